// Lookup: (DBN version, rtype) -> record layout. One 256-entry table per version so the decoder's
// per-record dispatch is an array index.
import type { RecordLayout } from '../layout.js';
import { DEFINITION_V1, DEFINITION_V2, DEFINITION_V3 } from './definition.js';
import { ERROR_V1, ERROR_V2, SYMBOL_MAPPING_V1, SYMBOL_MAPPING_V2, SYSTEM_V1, SYSTEM_V2 } from './gateway.js';
import { BBO, CBBO, CMBP1, IMBALANCE, MBO, MBP1, MBP10, OHLCV, STATUS, TRADES } from './market.js';
import { STATISTICS_V1, STATISTICS_V3 } from './statistics.js';

export * from './definition.js';
export * from './gateway.js';
export * from './market.js';
export * from './statistics.js';

export const SUPPORTED_VERSIONS = [1, 2, 3] as const;
export type DbnVersion = (typeof SUPPORTED_VERSIONS)[number];

const COMMON = [MBO, TRADES, MBP1, MBP10, BBO, CMBP1, CBBO, OHLCV, STATUS, IMBALANCE];

function table(layouts: RecordLayout[]): (RecordLayout | undefined)[] {
  const t: (RecordLayout | undefined)[] = new Array(256).fill(undefined);
  for (const l of layouts) for (const r of l.rtypes) t[r] = l;
  return t;
}

const TABLES: Record<DbnVersion, (RecordLayout | undefined)[]> = {
  1: table([...COMMON, DEFINITION_V1, STATISTICS_V1, ERROR_V1, SYSTEM_V1, SYMBOL_MAPPING_V1]),
  2: table([...COMMON, DEFINITION_V2, STATISTICS_V1, ERROR_V2, SYSTEM_V2, SYMBOL_MAPPING_V2]),
  3: table([...COMMON, DEFINITION_V3, STATISTICS_V3, ERROR_V2, SYSTEM_V2, SYMBOL_MAPPING_V2]),
};

/** The 256-entry rtype table of a version. */
export function layoutTable(version: DbnVersion): readonly (RecordLayout | undefined)[] {
  return TABLES[version];
}

export function layoutFor(version: DbnVersion, rtype: number): RecordLayout | undefined {
  return TABLES[version][rtype];
}

export function isSupportedVersion(v: number): v is DbnVersion {
  return v === 1 || v === 2 || v === 3;
}
