// The yaml package, loaded on first use (it is not needed to start the server).
import { createRequire } from 'node:module';
import type * as YamlNS from 'yaml';

const requireCjs = createRequire(import.meta.url);
let lib: typeof YamlNS | undefined;

export function yamlLib(): typeof YamlNS {
  lib ??= requireCjs('yaml') as typeof YamlNS;
  return lib;
}
