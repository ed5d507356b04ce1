// Imported first by hand-examples.test.ts: makes test/reference/helpers.ts mirror every Session into the
// WebAssembly engine.
process.env.MIRROR_ENGINE = '1';
