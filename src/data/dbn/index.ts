// Public API of the Databento DBN reader/writer. See docs/dbn.md.
//
//   const r = await openDbn('day.mbo.dbn.zst', { expectSchema: 'mbo' });
//   r.metadata.dataset;                        // 'GLBX.MDP3'
//   for await (const batch of r.batches()) {}  // ColumnBatch, up to 65,536 rows each
//
//   const all = await readDbnAll(bytes);       // everything in memory (tests, small files)
//   await writeDbn('out.dbn', metadata, batches);  // DBN v3 (a .zst path: zstd-compressed)
export { openDbn, readDbnAll, type DbnOpenOptions, type DbnReadResult, type DbnReader } from './reader.js';
export { DbnDecoder, DEFAULT_BATCH_SIZE, type DbnControlMessage, type DbnDecodeOptions } from './decoder.js';
export { encodeDbn, writeDbn, type DbnWriteMetadata, type DbnWriteOptions, type DbnWriteResult } from './writer.js';
export { nativeZstd, zstdBackend, zstdCompress, ZstdCompressor } from '../zstd.js';
export { DbnError, type DbnErrorCode, type DbnIssue } from './errors.js';
export type { DbnMetadata, MappingInterval, SymbolMapping } from './metadata.js';
export { decodeMetadata, encodeMetadataV3 } from './metadata.js';
export { Flags, RType, SCHEMA_RTYPE, UNDEF_TIMESTAMP, schemaForRType } from './enums.js';
export { layoutFor, layoutTable, SUPPORTED_VERSIONS, type DbnVersion } from './layouts/index.js';
export type { FieldSpec, FieldType, RecordLayout } from './layout.js';
export { concatBatches } from './concat.js';
