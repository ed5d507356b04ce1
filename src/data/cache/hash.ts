// Content hash of a source file: sha256 over the bytes, streamed (never the whole file in memory).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function sha256Text(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
