// Telling the supported inputs apart by their magic bytes, not their names. Kept apart from
// source.ts so that loading a cache entry does not import the parquet and DBN readers.
import { open } from 'node:fs/promises';

export type SourceFormat = 'parquet' | 'dbn' | 'dbn.zst';

export async function sniffFormat(file: string): Promise<SourceFormat> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead >= 4 && head.toString('latin1') === 'PAR1') return 'parquet';
    if (bytesRead >= 3 && head.toString('latin1', 0, 3) === 'DBN') return 'dbn';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'dbn.zst';
    throw new Error(`${file}: not a parquet file (PAR1), a DBN file (DBN) or zstd-compressed DBN; first bytes ${head.subarray(0, bytesRead).toString('hex')}`);
  } finally {
    await fh.close();
  }
}
