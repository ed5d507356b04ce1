// The addon built by `node-gyp rebuild` (npm runs it at install; see binding.gyp, mmap.c).
module.exports = require('./build/Release/contango_mmap.node');
