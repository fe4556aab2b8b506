// The repository's data/ directory (see src/util/data-dir.ts).
export { findDataDir } from '../util/data-dir.js';
