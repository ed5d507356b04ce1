// Errors and tolerated-issue reports of the DBN reader/writer. Every error names the file, the byte
// offset in the decompressed DBN stream, the record index (0-based, counting every record seen,
// skipped ones included) and what was expected, so a user can find the bad bytes with a hex dump.

export type DbnErrorCode =
  | 'bad-magic' // neither DBN nor zstd
  | 'unknown-version' // DBN version not 1, 2 or 3
  | 'bad-metadata' // metadata header malformed or truncated
  | 'truncated' // stream ends inside a record (or inside the metadata)
  | 'bad-record-length' // record length shorter than a header: stream cannot be resynchronised
  | 'unknown-rtype'
  | 'length-mismatch' // record length differs from the layout size of its rtype
  | 'wrong-schema' // caller demanded a schema the file or record does not have
  | 'out-of-order' // index timestamp decreased while the caller asked for monotonic order
  | 'zstd' // decompression failed
  | 'encode'; // writer: batch does not fit the layout

/** Codes a `tolerate` reader may skip (the record is dropped and reported). */
export const SKIPPABLE: ReadonlySet<DbnErrorCode> = new Set<DbnErrorCode>([
  'unknown-rtype',
  'length-mismatch',
  'wrong-schema',
  'out-of-order',
  'truncated',
]);

export interface DbnIssue {
  code: DbnErrorCode;
  /** 0-based index of the record among all records of the stream. */
  recordIndex: number;
  /** Byte offset of the record in the decompressed DBN stream. */
  byteOffset: number;
  reason: string;
}

export class DbnError extends Error {
  readonly code: DbnErrorCode;
  readonly file: string;
  readonly byteOffset: number;
  readonly recordIndex: number;
  readonly expected: string;

  constructor(
    code: DbnErrorCode,
    file: string,
    byteOffset: number,
    recordIndex: number,
    expected: string,
    found: string,
  ) {
    const where = recordIndex >= 0 ? `byte ${byteOffset}, record ${recordIndex}` : `byte ${byteOffset}`;
    super(`${file}: ${where}: ${code}: expected ${expected}, found ${found}`);
    this.name = 'DbnError';
    this.code = code;
    this.file = file;
    this.byteOffset = byteOffset;
    this.recordIndex = recordIndex;
    this.expected = expected;
  }
}
