// The generated run kernels: both 8-byte move modes ('f64' for 8-aligned records, 'u32' for records
// at 4 mod 8) give the same bits as the reference decoder, including 64-bit patterns that are NaNs
// when read as float64 (INT64_MAX = undefined price, negative prices, signalling-NaN patterns),
// after the kernels have been run hot enough for V8 to optimise them.
import { describe, expect, it } from 'vitest';
import type { ColumnBatch } from '../../src/data/batch.js';
import { DbnDecoder, concatBatches, encodeDbn } from '../../src/data/dbn/index.js';
import { kernelSource } from '../../src/data/dbn/columns.js';
import { MBO } from '../../src/data/dbn/layouts/market.js';
import { decodeReference } from '../../src/data/dbn/reference.js';
import { syntheticMboBatches } from '../../src/data/dbn/synthetic.js';

// 64-bit values whose float64 reading is a NaN (quiet and signalling, both signs) or special.
const PATTERNS = [
  0x7fff_ffff_ffff_ffffn, // INT64_MAX, Databento's undefined price
  0x7ff0_0000_0000_0001n, // signalling NaN
  0x7ff4_0000_0000_0000n, // signalling NaN
  0x7ff8_0000_0000_0000n, // the canonical quiet NaN
  0x7ff0_0000_0000_0000n, // +Infinity
  0xfff0_0000_0000_0001n, // negative signalling NaN (int64 -4503599627370495)
  0xffff_ffff_ffff_ffffn, // -1
  0x8000_0000_0000_0000n, // INT64_MIN
  0n,
];

function patternBatch(n: number): ColumnBatch {
  const base = concatBatches([...syntheticMboBatches({ records: n, seed: 3 })]);
  const price = base.columns.price as BigInt64Array;
  const orderId = base.columns.order_id as BigUint64Array;
  for (let i = 0; i < n; i++) {
    const p = PATTERNS[i % PATTERNS.length]!;
    price[i] = BigInt.asIntN(64, p);
    orderId[i] = p;
  }
  return base;
}

/** Decodes `bytes` placed at byte offset `shift` of a fresh buffer, pushing `step` bytes at a time. */
function decodeAt(bytes: Uint8Array, shift: number, step: number, opts: { batchSize?: number; monotonic?: boolean } = {}): ColumnBatch {
  const host = new Uint8Array(bytes.length + 16);
  const view = host.subarray(shift, shift + bytes.length);
  view.set(bytes);
  const d = new DbnDecoder({ file: 'kernel', ...opts });
  const out: ColumnBatch[] = [];
  for (let i = 0; i < view.length; i += step) out.push(...d.push(view.subarray(i, i + step)));
  out.push(...d.end());
  return concatBatches(out);
}

describe('run kernels', () => {
  const n = 20_000;
  const bytes = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, [patternBatch(n)]);
  const metaEnd = 8 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const ref = decodeReference(bytes).records;

  it('the generated MBO kernel moves 8-byte fields as float64 and splits shared words', () => {
    const f64 = kernelSource(MBO, 'f64');
    expect(f64).toMatch(/df\[o\d+ \+ q\] = sf\[x \+ 3\]/); // price: one float64 move
    expect(f64).not.toMatch(/DataView/);
    expect(kernelSource(MBO, 'u32')).toMatch(/d32\[o\d+ \+ q2 \+ 1\] = s32\[w \+ 7\]/); // price high word
  });

  // Offsets 0 and 4 put the records at 0 / 4 mod 8 (the v3 metadata length is a multiple of 8):
  // the first runs the f64 kernel, the second the u32 kernel. Pushes of 3 bytes go through the
  // pending (copy) path; odd batch sizes exercise the rounding of the batch capacity.
  const cases: [string, number, number, number][] = [
    ['f64 kernel, in place', 0, 1 << 20, 65_536],
    ['u32 kernel, in place', 4, 1 << 20, 65_536],
    ['f64 kernel, batch 1001', 0, 1 << 16, 1001],
    ['u32 kernel, batch 7', 4, 1 << 16, 7],
    ['copy path (3-byte pushes)', 1, 3, 4096],
  ];
  expect(metaEnd % 8).toBe(0);
  for (const [name, shift, step, batchSize] of cases) {
    it(`${name}: bit-exact against the reference decoder, hot`, () => {
      let got: ColumnBatch | undefined;
      // Repeat so V8 optimises the kernel before the last pass is checked.
      const reps = step === 3 ? 1 : batchSize < 100 ? 1 : 40;
      for (let r = 0; r < reps; r++) got = decodeAt(bytes, shift, step, { batchSize });
      expect(got!.length).toBe(n);
      const price = got!.columns.price as BigInt64Array;
      const orderId = got!.columns.order_id as BigUint64Array;
      const tsRecv = got!.columns.ts_recv as BigUint64Array;
      const pub = got!.columns.publisher_id as Uint16Array;
      const rtype = got!.columns.rtype as Uint8Array;
      const side = got!.columns.side as Uint8Array;
      const seq = got!.columns.sequence as Uint32Array;
      for (let i = 0; i < n; i++) {
        const f = ref[i]!.fields;
        if (price[i] !== f.price || orderId[i] !== f.order_id || tsRecv[i] !== f.ts_recv || pub[i] !== f.publisher_id
          || rtype[i] !== f.rtype || String.fromCharCode(side[i]!) !== f.side || seq[i] !== f.sequence) {
          expect({ i, price: price[i], order_id: orderId[i], pub: pub[i], rtype: rtype[i] }).toEqual({ i, ...f });
        }
      }
      expect(new Set(Array.from(orderId.subarray(0, PATTERNS.length)))).toEqual(new Set(PATTERNS));
    });
  }

  it('the monotonic check stops at the record whose ts_recv goes back, in both modes', () => {
    const b = patternBatch(1000);
    const ts = b.columns.ts_recv as BigUint64Array;
    ts[700] = ts[699]! - 1n;
    const bad = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, [b]);
    for (const shift of [0, 4]) {
      expect(() => decodeAt(bad, shift, 1 << 20, { monotonic: true })).toThrow(/out-of-order|ts_recv/);
      expect(decodeAt(bad, shift, 1 << 20).length).toBe(1000);
    }
  });
});
