// The TypeScript reference order book (docs/matching-rules.md), public entry point.
export { ReferenceBook } from './reference-book.js';
export { Fnv1a64 } from './book-hash.js';
