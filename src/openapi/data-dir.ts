// Locates the repository's data/ directory (the one holding data/catalog.json) by walking up from this
// module's location. Works from src/ (tsx) and from dist/src/ (compiled).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedDir: string | undefined;

export function findDataDir(): string {
  if (cachedDir !== undefined) return cachedDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'data');
    if (existsSync(join(candidate, 'catalog.json'))) {
      cachedDir = candidate;
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot locate data/catalog.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
