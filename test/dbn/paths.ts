// Where the shared Databento fixtures live (beside the repository, never copied into it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DATA_DIR = fileURLToPath(new URL('../../../shared/data/databento/', import.meta.url));
export const FORMAT_DIR = DATA_DIR + 'format/';
export const sharedDataAvailable = existsSync(DATA_DIR + 'README.md');
