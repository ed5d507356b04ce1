// contango-mmap: map a file (or part of it) private and copy-on-write, as an ArrayBuffer.
// The columnar cache's loader (src/data/cache/mmap.ts) uses it so a load costs a few system calls
// and the consumer's first pass maps page-cache pages instead of faulting in fresh memory.
// Node-API only (ABI-stable across Node versions); POSIX only (Linux, macOS).
//
//   map(fd: number, length: number, offset?: number): ArrayBuffer
//
// The mapping is PROT_READ|PROT_WRITE, MAP_PRIVATE: writes make private copies, never reach the
// file, and never fault as a read-only mapping would. It is unmapped when the ArrayBuffer is
// garbage-collected. The fd may be closed right after the call.
#include <errno.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static void unmap(napi_env env, void* data, void* hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

static napi_value throw_error(napi_env env, const char* what) {
  napi_throw_error(env, NULL, what);
  return NULL;
}

static napi_value map(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) return throw_error(env, "map(fd, length[, offset]): fd and length are required");
  int32_t fd;
  double length, offset = 0;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok) return throw_error(env, "map: fd must be a number");
  if (napi_get_value_double(env, argv[1], &length) != napi_ok) return throw_error(env, "map: length must be a number");
  if (argc > 2 && napi_get_value_double(env, argv[2], &offset) != napi_ok) return throw_error(env, "map: offset must be a number");
  if (!(length >= 1 && length <= 9007199254740991.0 && length == (double)(uint64_t)length)) return throw_error(env, "map: length must be a positive integer");
  if (!(offset >= 0 && offset <= 9007199254740991.0 && offset == (double)(uint64_t)offset)) return throw_error(env, "map: offset must be a non-negative integer");
  size_t len = (size_t)length;
  void* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, (off_t)offset);
  if (p == MAP_FAILED) {
    char msg[160];
    snprintf(msg, sizeof msg, "mmap of %zu bytes failed: %s (errno %d)", len, strerror(errno), errno);
    return throw_error(env, msg);
  }
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, len, unmap, (void*)(uintptr_t)len, &ab) != napi_ok) {
    munmap(p, len);
    return throw_error(env, "map: this runtime does not allow external ArrayBuffers");
  }
  return ab;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "map", NAPI_AUTO_LENGTH, map, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "map", fn) != napi_ok) return NULL;
  return exports;
}
