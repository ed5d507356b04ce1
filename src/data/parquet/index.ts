// Public API of the parquet reader/writer (Databento's `to_parquet` layout). See docs/data-formats.md.
export { openParquet, readParquetFile, concatBatches, dropRows, type ParquetReadOptions, type ParquetSource } from './reader.js';
export { writeParquetFile, encodeParquet, DatabentoArrowEncoder, type ParquetWriteOptions } from './writer.js';
export { DataFormatError, SkipLog, type SkippedRow } from './errors.js';
export { floatToFixed, fixedToFloat, slowFloatToFixed, convertFloatPrices } from './fixed-point.js';
export { PARQUET_LAYOUTS, layoutFor, inferSchema, type ParquetLayout, type ColumnSpec, type ColumnKind } from './layouts.js';
export { symbolResolver, utcYmd, type SymbolResolver, type SymbolMapping, type MappingInterval } from './symbol-map.js';
export { UNDEF_TS } from './arrow-convert.js';
export { syntheticMbo } from './synthetic.js';
