// Locates the repository's data/ directory from compiled (dist/src/...) and source (src/...) layouts alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findDataDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'data', 'catalog.json'))) return join(dir, 'data');
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find data/catalog.json above ${from}`);
    dir = parent;
  }
}

export const DATA_DIR = findDataDir();
