// MBO replay into the WebAssembly L3 engine, book outputs, and own orders in the real queue (docs/replay.md).
export { MboReplayer, type ReplayOptions, type ReplayOutputOptions, type ReplaySummary, type InstrumentSummary } from './replayer.js';
export { replayFiles, type ReplayFilesOptions, type ReplayFilesResult } from './run.js';
export { mboBatches, type MboSourceOptions } from './source.js';
export { ReplayKernel, RS, STOP, type MboColumns, type StatName } from './kernel.js';
export { loadDefinitions, inferTick, instrumentFor, matchAlgorithmName, type ReplayInstrument } from './definitions.js';
export { PreopenSchedule, loadStatusChanges, statusIsPreopen, StatusAction, type PreopenConfig, type StatusChange } from './preopen.js';
export { BookRecorder, BatchChannel, type BookLevels, type TriggerRecord } from './book-output.js';
export { ReferenceMboBook, type RefLevel } from './reference-book.js';
export { QueueVenue, type QueueVenueOptions, type OwnOrderRequest } from './venue.js';
export { OwnOrderQueues, type OwnOrder, type OwnFill, type OwnSide, type OwnType, type FillLiquidity, type BookView } from './own-orders.js';
export { constantLatency, lognormalLatency, empiricalLatency, FifoLink, type LatencyModel } from './latency.js';
export { parseInterval, parseInstant, parsePriceUnits, isoNs } from './times.js';
