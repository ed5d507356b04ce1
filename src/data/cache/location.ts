// Where the columnar cache lives: an explicit option, else $CONTANGO_CACHE_DIR, else
// `.cache/contango/` under the working directory.
import path from 'node:path';

export function cacheRoot(explicit?: string): string {
  const dir = explicit ?? process.env['CONTANGO_CACHE_DIR'] ?? path.join(process.cwd(), '.cache', 'contango');
  return path.resolve(dir);
}
