// Every hand-worked example of test/reference/ run again with the WebAssembly engine mirrored: each
// Session.run also drives the engine (debug build) and fails on any difference in events or book hash.
import './mirror-env.js';
import '../reference/instruments-and-states.test.js';
import '../reference/validation.test.js';
import '../reference/order-types.test.js';
import '../reference/matching.test.js';
import '../reference/stops.test.js';
import '../reference/banding.test.js';
import '../reference/uncross.test.js';
import '../reference/modify-cancel.test.js';
import '../reference/time-expiry.test.js';
import '../reference/book-hash.test.js';
import '../reference/events.test.js';
