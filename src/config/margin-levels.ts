// The margin-ratio levels of a crypto account (SPEC §7), lowest first. Apart from ./risk.ts (the schema) so the
// engine's risk guard uses them without loading the schema library.
export const MARGIN_LEVELS = ['healthy', 'warning', 'danger', 'critical', 'liquidation'] as const;
export type MarginLevel = (typeof MARGIN_LEVELS)[number];
