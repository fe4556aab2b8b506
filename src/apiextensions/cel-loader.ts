// CEL (@bufbuild/cel) takes ~0.15 s to load: it is loaded in the background after start, and awaited
// before anything that evaluates or compiles CRD validation rules.
import type * as CelModule from './cel.js';

let mod: typeof CelModule | undefined;
let loading: Promise<void> | undefined;

export function loadCel(): Promise<void> {
  loading ??= import('./cel.js').then((m) => {
    mod = m;
  });
  return loading;
}

export function celModule(): typeof CelModule {
  if (!mod) throw new Error('CEL support is not loaded yet');
  return mod;
}
