// zstd: the native libzstd path (zstd-napi) and the fzstd fallback read every file identically;
// .dbn.zst writing produces real zstd that an independent decoder (fzstd) and the reader accept;
// corrupt and truncated streams fail with DbnErrors on both paths.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decompress } from 'fzstd';
import { afterAll, describe, expect, it } from 'vitest';
import { DbnError, concatBatches, encodeDbn, nativeZstd, readDbnAll, writeDbn, zstdBackend, zstdCompress } from '../../src/data/dbn/index.js';
import { syntheticMboBatches } from '../../src/data/dbn/synthetic.js';
import { DATA_DIR, FORMAT_DIR, sharedDataAvailable } from './paths.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'contango-zstd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('zstd', () => {
  it('the native module is built and loads (npm ci builds it from source)', () => {
    expect(nativeZstd(), zstdBackend()).not.toBeNull();
    expect(zstdBackend()).toMatch(/^native \(libzstd 1\.\d+\.\d+\)$/);
  });

  it.skipIf(!sharedDataAvailable)('native and fzstd decode every shared file to the same columns, in small and large reads', async () => {
    const files = [
      ...readdirSync(DATA_DIR).filter((f) => f.endsWith('.dbn.zst')).map((f) => DATA_DIR + f),
      ...readdirSync(FORMAT_DIR).filter((f) => f.endsWith('.dbn.zst')).map((f) => FORMAT_DIR + f),
    ];
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const js = await readDbnAll(f, { zstd: 'js' });
      const nat = await readDbnAll(f, { zstd: 'native', readChunkSize: 65_537 });
      expect(nat.rowCount, f).toBe(js.rowCount);
      if (js.rowCount === 0) continue;
      const a = concatBatches(js.batches);
      const b = concatBatches(nat.batches);
      for (const name of Object.keys(a.columns)) expect(sameBytes(a.columns[name]!, b.columns[name]!), `${f} ${name}`).toBe(true);
    }
  });

  it('writeDbn to a .dbn.zst path compresses; fzstd and both reader paths give the plain bytes back', async () => {
    const meta = { dataset: 'GLBX.MDP3', schema: 'mbo' as const, symbols: ['ESH4'] };
    const batches = [...syntheticMboBatches({ records: 50_000, seed: 11 })];
    const plain = encodeDbn(meta, batches);
    const file = path.join(tmp, 'day.mbo.dbn.zst');
    const w = await writeDbn(file, meta, batches);
    expect(w).toMatchObject({ records: 50_000, plainBytes: plain.length, compressed: true });
    const z = readFileSync(file);
    expect(w.bytes).toBe(z.length);
    expect(z.length).toBeLessThan(plain.length / 2);
    expect(Array.from(z.subarray(0, 4))).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect(sameBytes(decompress(z), plain)).toBe(true);
    for (const zstd of ['native', 'js'] as const) {
      const r = await readDbnAll(file, { zstd });
      expect(r.compressed).toBe(true);
      expect(r.rowCount).toBe(50_000);
      const a = concatBatches(batches);
      const b = concatBatches(r.batches);
      for (const name of ['ts_recv', 'price', 'order_id', 'size', 'action']) expect(sameBytes(a.columns[name]!, b.columns[name]!), name).toBe(true);
    }
    // An explicit compress: false writes plain DBN even to a .zst name; a .dbn path stays plain.
    const p = await writeDbn(path.join(tmp, 'plain.dbn'), meta, batches);
    expect(p).toMatchObject({ compressed: false, bytes: plain.length });
    expect(sameBytes(readFileSync(path.join(tmp, 'plain.dbn')), plain)).toBe(true);
  });

  it('file reads with recycled buffers (plain and native zstd) and fresh ones (fzstd) give the in-memory columns', async () => {
    const meta = { dataset: 'GLBX.MDP3', schema: 'mbo' as const };
    const batches = [...syntheticMboBatches({ records: 30_000, seed: 12 })];
    const want = concatBatches((await readDbnAll(encodeDbn(meta, batches))).batches);
    const plainFile = path.join(tmp, 'small-chunks.dbn');
    const zFile = path.join(tmp, 'small-chunks.dbn.zst');
    await writeDbn(plainFile, meta, batches);
    await writeDbn(zFile, meta, batches);
    // Odd chunk sizes: records straddle every chunk boundary, and the three-buffer ring turns
    // hundreds of times while earlier chunks' tails sit in the decoder's pending buffer.
    for (const [file, zstd] of [[plainFile, undefined], [zFile, 'native'], [zFile, 'js']] as const) {
      for (const readChunkSize of [4099, 1 << 16]) {
        const got = concatBatches((await readDbnAll(file, { zstd, readChunkSize })).batches);
        for (const name of Object.keys(want.columns)) expect(sameBytes(want.columns[name]!, got.columns[name]!), `${file} ${zstd} ${readChunkSize} ${name}`).toBe(true);
      }
    }
  });

  for (const zstd of ['native', 'js'] as const) {
    it(`${zstd}: truncated and corrupt streams fail with DbnErrors naming the file`, async () => {
      const z = zstdCompress(encodeDbn({ dataset: 'X', schema: 'mbo' }, syntheticMboBatches({ records: 20_000, seed: 2 })));
      const cut = z.subarray(0, Math.floor(z.length * 0.6));
      const e1 = await readDbnAll(cut, { zstd, file: 'cut.dbn.zst' }).catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(DbnError);
      expect(['truncated', 'zstd']).toContain((e1 as DbnError).code);
      expect((e1 as DbnError).message).toContain('cut.dbn.zst');
      const bad = z.slice();
      for (let i = 200; i < 400; i++) bad[i] = 0xaa;
      const e2 = await readDbnAll(bad, { zstd, file: 'bad.dbn.zst' }).catch((e: unknown) => e);
      expect(e2).toBeInstanceOf(DbnError);
      expect((e2 as DbnError).message).toContain('bad.dbn.zst');
    });
  }

  it('native: a stream cut at a frame boundary inside the data is reported as truncated', async () => {
    const z = zstdCompress(encodeDbn({ dataset: 'X', schema: 'mbo' }, syntheticMboBatches({ records: 5_000, seed: 2 })));
    const e = await readDbnAll(z.subarray(0, z.length - 3), { zstd: 'native', file: 'short.zst' }).catch((x: unknown) => x);
    expect((e as DbnError).code).toBe('truncated');
  });
});
