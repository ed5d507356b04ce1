/*
 * host.c — drives contango's matching engine from C with no JavaScript anywhere.
 *
 * build/contango.wasm is translated to C by wasm2c (WABT) and linked with this file and the wasm2c runtime
 * (wasm-rt-impl.c); see the Makefile and docs/embedding.md. Everything below follows docs/abi.md: call
 * init(), write 80-byte command records at cmdPtr(), call process(n), read n' 64-byte event records at
 * evtPtr(), query bookHash(). All integers in the records are little-endian.
 *
 * usage: contango-embed [-n COMMANDS] [-f FILE] [-b BATCH]
 *   -n N     run the built-in command stream of N commands (default 200000; see builtin_command below)
 *   -f FILE  run the raw command records in FILE instead (a multiple of 80 bytes, docs/abi.md layout)
 *   -b B     commands per process() call (default and maximum: cmdCapacity(), 4096)
 * prints:  commands, events, eventDigest (FNV-1a 32 over every event record's little-endian u32 words, in
 *          order), bookHash, liveOrders and the wall time of the process() calls.
 * exit:    0 ok, 1 bad arguments or input, 2 the module trapped (must never happen: the engine rejects bad
 *          input with REJECTED events).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contango.h"
#include "wasm-rt-impl.h"

/* ---- wasm2c naming: WABT 1.0.32 (Debian 12) vs 1.0.33 and later ------------------------------------------
 * The Makefile passes -DCONTANGO_W2C_NEW=1 when the generated header uses the newer names (w2c_contango_*),
 * and -DCONTANGO_IMPORTS_ENV_ABORT=1 when the module imports env.abort (today's builds import nothing). */
#if CONTANGO_W2C_NEW
typedef w2c_contango engine_t;
#define ENGINE(fn) w2c_contango_##fn
#define ENGINE_MEMORY(e) w2c_contango_memory(e)
#define ENGINE_FREE(e) wasm2c_contango_free(e)
#define ENV_T struct w2c_env
#define ENV_ABORT w2c_env_abort
#else
typedef Z_contango_instance_t engine_t;
#define ENGINE(fn) Z_contangoZ_##fn
#define ENGINE_MEMORY(e) Z_contangoZ_memory(e)
#define ENGINE_FREE(e) Z_contango_free(e)
#define ENV_T struct Z_env_instance_t
#define ENV_ABORT Z_envZ_abort
#endif

#if CONTANGO_IMPORTS_ENV_ABORT
/* The only import a contango build may ever have: called on an internal invariant failure (debug builds). */
ENV_T {
  int unused;
};
void ENV_ABORT(ENV_T* env, u32 msg, u32 file, u32 line, u32 col) {
  (void)env;
  (void)msg;
  (void)file;
  fprintf(stderr, "contango: engine abort at %u:%u (internal invariant failure)\n", line, col);
  exit(3);
}
static ENV_T the_env;
#endif

static void instantiate(engine_t* e) {
#if CONTANGO_W2C_NEW
#if CONTANGO_IMPORTS_ENV_ABORT
  wasm2c_contango_instantiate(e, &the_env);
#else
  wasm2c_contango_instantiate(e);
#endif
#else
  Z_contango_init_module();
#if CONTANGO_IMPORTS_ENV_ABORT
  Z_contango_instantiate(e, &the_env);
#else
  Z_contango_instantiate(e);
#endif
#endif
}

/* ---- little-endian record access (docs/abi.md) -------------------------------------------------------- */
enum { CMD_SIZE = 80, EVT_SIZE = 64 };
enum { C_DEFINE = 1, C_NEW = 2, C_CANCEL = 3, C_MODIFY = 4, C_SET_STATE = 6 };
enum { BUY = 1, SELL = 2, LIMIT = 1, GTC = 1, FAK = 3, PREOPEN = 1, OPEN = 2, HALTED = 3 };

static void put8(uint8_t* p, size_t at, uint8_t v) { p[at] = v; }
static void put32(uint8_t* p, size_t at, uint32_t v) {
  for (int i = 0; i < 4; i++) p[at + i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t* p, size_t at, uint64_t v) {
  for (int i = 0; i < 8; i++) p[at + i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t* p, size_t at) {
  return (uint32_t)p[at] | (uint32_t)p[at + 1] << 8 | (uint32_t)p[at + 2] << 16 | (uint32_t)p[at + 3] << 24;
}

/* ---- the built-in command stream ----------------------------------------------------------------------
 * Deterministic (xorshift32), mirrored command for command by test/embed/builtin-stream.ts so the test can
 * run it through the JavaScript WasmEngine too. Instrument 1: tick 1, no reference, OPEN. Instrument 2:
 * tick 5, reference 5000, band 100 ticks, PREOPEN; it halts at command n/2 and opens at 3n/4 (the opening
 * uncross runs on HALTED → OPEN, docs/matching-rules.md §1). Between: 45 % new limit orders (1 in 8 FAK,
 * 1 in 16 icebergs showing 2, 1 in 10 on instrument 2), 15 % cancels, 40 % modifies of earlier ids (ids
 * that have died by then are rejected with UNKNOWN_ORDER, as a real host would see). ts = index × 1000. */
typedef struct {
  uint32_t x;
  uint64_t next_id;
  uint64_t* ids;   /* every order id issued, in order */
  uint8_t* insOf;  /* its instrument (1 or 2) */
  size_t count;
} stream_t;

static uint32_t rnd(stream_t* s) {
  uint32_t x = s->x;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return s->x = x;
}

static void builtin_command(stream_t* s, uint8_t* r, uint64_t i, uint64_t n) {
  memset(r, 0, CMD_SIZE);
  put64(r, 72, i * 1000);
  if (i < 2) {
    const int second = i == 1;
    put8(r, 0, C_DEFINE);
    put8(r, 1, 0); /* FIFO */
    put8(r, 2, second ? PREOPEN : OPEN);
    put32(r, 4, second ? 2 : 1);
    put64(r, 8, second ? 5 : 1);                           /* tick */
    put64(r, 16, second ? 5000 : (uint64_t)INT64_MAX);     /* reference (INT64_MAX = none) */
    put32(r, 24, second ? 100 : 0);                        /* band ticks */
    put32(r, 28, 10);                                      /* protection ticks */
    put32(r, 32, 1000);                                    /* max order qty */
    return;
  }
  if (i == n / 2 || i == n * 3 / 4) {
    put8(r, 0, C_SET_STATE);
    put8(r, 1, i == n / 2 ? HALTED : OPEN);
    put32(r, 4, 2);
    return;
  }
  const uint32_t kind = rnd(s) % 100;
  if (kind < 45 || s->count == 0) {
    const uint32_t ins = rnd(s) % 10 == 0 ? 2 : 1;
    const uint32_t side = 1 + (rnd(s) & 1);
    const int64_t tick = ins == 1 ? 1 : 5;
    const int64_t centre = ins == 1 ? 1000 : 5000;
    const int64_t off = (int64_t)(rnd(s) % 41) - 20 + (side == BUY ? -2 : 2);
    const uint32_t qty = 1 + rnd(s) % 20;
    const uint32_t tif = rnd(s) % 8 == 0 ? FAK : GTC;
    const uint32_t display = rnd(s) % 16 == 0 ? 2 : 0;
    const uint64_t id = ++s->next_id;
    s->ids[s->count] = id;
    s->insOf[s->count] = (uint8_t)ins;
    s->count++;
    put8(r, 0, C_NEW);
    put8(r, 1, (uint8_t)side);
    put8(r, 2, LIMIT);
    put8(r, 3, (uint8_t)tif);
    put32(r, 4, ins);
    put64(r, 8, id);
    put64(r, 16, (uint64_t)(centre + off * tick));
    put32(r, 32, qty);
    put32(r, 40, display);
    put32(r, 44, 1 + rnd(s) % 4); /* account */
  } else if (kind < 60) {
    put8(r, 0, C_CANCEL);
    put64(r, 8, s->ids[rnd(s) % s->count]);
  } else {
    const size_t k = rnd(s) % s->count;
    const int64_t tick = s->insOf[k] == 1 ? 1 : 5;
    const int64_t centre = s->insOf[k] == 1 ? 1000 : 5000;
    const int64_t off = (int64_t)(rnd(s) % 41) - 20;
    put8(r, 0, C_MODIFY);
    put64(r, 8, s->ids[k]);
    put64(r, 16, (uint64_t)(centre + off * tick));
    put32(r, 32, 1 + rnd(s) % 20);
  }
}

/* ---- main --------------------------------------------------------------------------------------------- */
static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int usage(const char* why) {
  fprintf(stderr, "contango-embed: %s\nusage: contango-embed [-n COMMANDS] [-f FILE] [-b BATCH]\n", why);
  return 1;
}

/* Instantiate the module, run every command through it in batches, print the results. */
static int drive(uint64_t n, uint32_t maxBatch, FILE* in, stream_t* s) {
  static engine_t engine; /* static: survives the longjmp of a trap */
  /* a trap anywhere below (instantiation included) lands here; the engine is built never to trap */
  const int trap = wasm_rt_impl_try();
  if (trap != 0) {
    fprintf(stderr, "contango-embed: the module trapped (wasm_rt_trap_t %d)\n", trap);
    return 2;
  }
  instantiate(&engine);

  ENGINE(init)(&engine, 1u << 16, 16);
  uint32_t capacity = ENGINE(cmdCapacity)(&engine);
  if (maxBatch != 0 && maxBatch < capacity) capacity = maxBatch;
  uint64_t done = 0, events = 0;
  uint32_t digest = 2166136261u; /* FNV-1a 32 offset basis */
  double busy = 0;
  while (done < n) {
    const uint32_t batch = (uint32_t)(n - done < capacity ? n - done : capacity);
    /* memory.grow may move the linear memory: re-read its base after every call into the module */
    uint8_t* cmds = ENGINE_MEMORY(&engine)->data + ENGINE(cmdPtr)(&engine);
    if (in != NULL) {
      if (fread(cmds, CMD_SIZE, batch, in) != batch) return usage("short read from the command file");
    } else {
      for (uint32_t i = 0; i < batch; i++) builtin_command(s, cmds + (size_t)i * CMD_SIZE, done + i, n);
    }
    const double t0 = now_s();
    const uint32_t count = ENGINE(process)(&engine, batch);
    busy += now_s() - t0;
    const uint8_t* evts = ENGINE_MEMORY(&engine)->data + ENGINE(evtPtr)(&engine);
    for (size_t w = 0; w < (size_t)count * EVT_SIZE; w += 4) digest = (digest ^ get32(evts, w)) * 16777619u;
    events += count;
    done += batch;
  }
  if (ENGINE(eventsDropped)(&engine) != 0) fprintf(stderr, "contango-embed: events were dropped (memory could not grow)\n");

  printf("commands %" PRIu64 "\n", done);
  printf("events %" PRIu64 "\n", events);
  printf("eventDigest 0x%08" PRIx32 "\n", digest);
  printf("bookHash 0x%016" PRIx64 "\n", (uint64_t)ENGINE(bookHash)(&engine));
  printf("liveOrders %" PRIu32 "\n", ENGINE(liveOrders)(&engine));
  printf("processSeconds %.6f\n", busy);
  ENGINE_FREE(&engine);
  return 0;
}

int main(int argc, char** argv) {
  uint64_t n = 200000;
  uint32_t maxBatch = 0;
  const char* file = NULL;
  for (int a = 1; a < argc; a++) {
    if (strcmp(argv[a], "-n") == 0 && a + 1 < argc) {
      char* end;
      errno = 0;
      n = strtoull(argv[++a], &end, 10);
      if (errno != 0 || *end != '\0' || n < 2 || n > 100000000) return usage("-n: expected 2..100000000 commands");
    } else if (strcmp(argv[a], "-b") == 0 && a + 1 < argc) {
      char* end;
      const unsigned long b = strtoul(argv[++a], &end, 10);
      if (*end != '\0' || b < 1 || b > 4096) return usage("-b: expected 1..4096 commands per batch");
      maxBatch = (uint32_t)b;
    } else if (strcmp(argv[a], "-f") == 0 && a + 1 < argc) {
      file = argv[++a];
    } else {
      return usage("unknown argument");
    }
  }

  FILE* in = NULL;
  stream_t s = {2463534242u, 0, NULL, NULL, 0};
  if (file != NULL) {
    in = fopen(file, "rb");
    if (in == NULL) return usage(strerror(errno));
    if (fseek(in, 0, SEEK_END) != 0) return usage("cannot seek the command file");
    const long bytes = ftell(in);
    rewind(in);
    if (bytes < 0 || bytes % CMD_SIZE != 0) {
      fprintf(stderr, "contango-embed: %s: %ld bytes is not a multiple of the %d-byte command record\n", file, bytes, CMD_SIZE);
      return 1;
    }
    n = (uint64_t)bytes / CMD_SIZE;
  } else {
    s.ids = malloc(n * sizeof(uint64_t));
    s.insOf = malloc(n);
    if (s.ids == NULL || s.insOf == NULL) return usage("out of memory");
  }

  wasm_rt_init();
  const int rc = drive(n, maxBatch, in, &s);
  wasm_rt_free();
  if (in != NULL) fclose(in);
  free(s.ids);
  free(s.insOf);
  return rc;
}
