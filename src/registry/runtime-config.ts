// --runtime-config: which built-in group versions and resources are served, with kube-apiserver 1.32's
// syntax, precedence and error messages.
//
// How kube-apiserver 1.32 handles the flag (k8s.io/component-base cli/flag ConfigurationMap,
// pkg/controlplane/apiserver/options Complete/Validate, k8s.io/apiserver resourceconfig.MergeAPIResourceConfigs):
//  1. Parsing (ConfigurationMap.Set): split on ",", skip empty items, split each at the first "=", trim key
//     and value; no "=" means value "". A map: a repeated key keeps its last value.
//  2. Complete: keys "v1", "v1/…", "api/v1", "api/v1/…" are all rewritten to "/v1" (so "v1/pods=false"
//     turns off the whole core v1 group version, as in kube); "api/legacy" is dropped.
//  3. Validate (errors aggregated): "--runtime-config=X=false conflicts with --enable-priority-and-fairness=true"
//     for X in flowcontrol.apiserver.k8s.io/v1, api/ga, api/all (first of them mentioned decides);
//     "invalid key with only api/all=false"; "runtime-config invalid key K" for keys not of the form
//     group/version[/resource]; "unknown api groups g1,g2".
//  4. Merge: api/all, then api/ga, api/beta, api/alpha (values exactly "true"/"false", else
//     "invalid value api/all=x"); then every group/version key (value parsed as Go's strconv.ParseBool,
//     empty = true); then every group/version/resource key (resource must be lower case). A version
//     preference resets the resource preferences of that version; resource preferences win last.
//     An unregistered version of a registered group → "group version G/V that has not been registered".
//     Unknown resources of a known version are accepted and ignored, as kube does.
import type { GroupInfo, GroupVersionInfo, ResourceInfo } from './catalog.js';
import { parseGoBool } from '../util/strconv.js';

export class RuntimeConfigError extends Error {
  /** The flag the error is about, for callers that prefix CLI errors with it. */
  readonly flag = '--runtime-config';
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeConfigError';
  }
}

/**
 * Group versions registered in kube-apiserver 1.32's schemes (legacyscheme + apiextensions + aggregator)
 * that the catalogue does not serve: enabling them is accepted but serves nothing, as in kube.
 */
const REGISTERED_UNSERVED: Record<string, string[]> = {
  'admission.k8s.io': ['v1', 'v1beta1'],
  'admissionregistration.k8s.io': [],
  apps: ['v1beta1', 'v1beta2'],
  'authentication.k8s.io': ['v1alpha1'],
  'authorization.k8s.io': ['v1beta1'],
  autoscaling: ['v2beta1', 'v2beta2'],
  batch: ['v1beta1'],
  'certificates.k8s.io': ['v1beta1'],
  'coordination.k8s.io': ['v1beta1'],
  'discovery.k8s.io': ['v1beta1'],
  'events.k8s.io': ['v1beta1'],
  extensions: ['v1beta1'],
  'flowcontrol.apiserver.k8s.io': ['v1beta1', 'v1beta2', 'v1beta3'],
  'imagepolicy.k8s.io': ['v1alpha1'],
  'networking.k8s.io': ['v1alpha1'],
  'node.k8s.io': ['v1alpha1', 'v1beta1'],
  policy: ['v1beta1'],
  'rbac.authorization.k8s.io': ['v1alpha1', 'v1beta1'],
  'scheduling.k8s.io': ['v1alpha1', 'v1beta1'],
  'storage.k8s.io': [],
  'apiextensions.k8s.io': ['v1beta1'],
  'apiregistration.k8s.io': ['v1beta1'],
};

const GA = /^v\d+$/;
const BETA = /^v\d+beta\d+$/;
const ALPHA = /^v\d+alpha\d+$/;
const MATCHERS: [string, (version: string) => boolean][] = [
  ['api/all', () => true],
  ['api/ga', (v) => GA.test(v)],
  ['api/beta', (v) => BETA.test(v)],
  ['api/alpha', (v) => ALPHA.test(v)],
];
const MATCHER_KEYS = new Set(MATCHERS.map(([k]) => k));

/** cliflag.ConfigurationMap.Set: insertion-ordered map, last value of a repeated key wins. */
export function parseRuntimeConfigMap(spec: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const item of spec.split(',')) {
    if (item.length === 0) continue;
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    m.delete(key);
    m.set(key, value);
  }
  return m;
}

/** Go's strconv.ParseBool, with kube's message around its error. */
function parseBool(key: string, value: string): boolean {
  try {
    return parseGoBool(value);
  } catch (err) {
    throw new RuntimeConfigError(`invalid value of ${key}: ${value}, err: ${(err as Error).message}`);
  }
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** utilerrors.NewAggregate(errs).Error(): one message as is, several as "[a, b]" (duplicates dropped). */
function aggregate(msgs: string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? uniq[0]! : `[${uniq.join(', ')}]`;
}

/** schema.ParseGroupVersion on "tokens[0]/tokens[1]" (never fails for exactly one slash). */
function parseGV(a: string, b: string): { group: string; version: string } {
  const s = `${a}/${b}`;
  if (s === '/') return { group: '', version: '' };
  return { group: a, version: b };
}

function gvKey(group: string, version: string): string {
  return `${group}/${version}`;
}

function gvString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/**
 * Parse --runtime-config and return the served subset of groups (same order; a group version keeps only
 * its enabled resources and disappears when none is left; a group disappears when no version is left).
 * Throws RuntimeConfigError with kube-apiserver's message for what kube rejects.
 */
export function resolveRuntimeConfig(spec: string | undefined, groups: GroupInfo[]): GroupInfo[] {
  const overrides = parseRuntimeConfigMap(spec ?? '');

  // Complete(): core aliases and api/legacy.
  for (const [key, value] of [...overrides]) {
    if (key === 'v1' || key.startsWith('v1/') || key === 'api/v1' || key.startsWith('api/v1/')) {
      overrides.delete(key);
      overrides.set('/v1', value);
    }
    if (key === 'api/legacy') overrides.delete(key);
  }

  // Registry: every registered group version (served or not).
  const registered = new Map<string, Set<string>>();
  for (const g of groups) {
    const s = registered.get(g.name) ?? new Set<string>();
    for (const v of g.versions) s.add(v.version);
    registered.set(g.name, s);
  }
  for (const [g, vs] of Object.entries(REGISTERED_UNSERVED)) {
    const s = registered.get(g) ?? new Set<string>();
    for (const v of vs) s.add(v);
    registered.set(g, s);
  }

  // Validate().
  const errs: string[] = [];
  const asString = [...overrides].map(([k, v]) => `${k}=${v}`).sort().join(',');
  for (const test of ['flowcontrol.apiserver.k8s.io/v1', 'api/ga', 'api/all']) {
    if (asString.includes(`${test}=false`)) {
      errs.push(`--runtime-config=${test}=false conflicts with --enable-priority-and-fairness=true`);
      break;
    }
    if (asString.includes(`${test}=true`)) break;
  }
  if (overrides.get('api/all') === 'false' && overrides.size === 1) {
    errs.push('invalid key with only api/all=false');
  } else {
    const unknown: string[] = [];
    let invalid: string | undefined;
    for (const key of overrides.keys()) {
      if (MATCHER_KEYS.has(key)) continue;
      const tokens = key.split('/');
      if (tokens.length !== 2 && tokens.length !== 3) {
        invalid = `runtime-config invalid key ${key}`;
        break;
      }
      const gv = parseGV(tokens[0]!, tokens[1]!);
      if (!registered.has(gv.group)) unknown.push(gv.group);
    }
    if (invalid) errs.push(invalid);
    else if (unknown.length > 0) errs.push(`unknown api groups ${unknown.join(',')}`);
  }
  if (errs.length > 0) throw new RuntimeConfigError(aggregate(errs));

  // MergeAPIResourceConfigs, starting from the 1.32 defaults.
  const versionEnabled = new Map<string, boolean>();
  for (const g of groups) for (const v of g.versions) versionEnabled.set(gvKey(g.name, v.version), v.defaultEnabled);
  const resourceEnabled = new Map<string, boolean>();
  const dropResourcePrefs = (group: string, version: string): void => {
    const prefix = `${gvKey(group, version)}/`;
    for (const k of [...resourceEnabled.keys()]) if (k.startsWith(prefix) && k.split('/').length === 3) resourceEnabled.delete(k);
  };

  for (const [flag, matcher] of MATCHERS) {
    const value = overrides.get(flag);
    if (value === undefined) continue;
    if (value !== 'true' && value !== 'false') throw new RuntimeConfigError(`invalid value ${flag}=${value}`);
    for (const key of versionEnabled.keys()) {
      const slash = key.lastIndexOf('/');
      const group = key.slice(0, slash);
      const version = key.slice(slash + 1);
      if (!matcher(version)) continue;
      versionEnabled.set(key, value === 'true');
      dropResourcePrefs(group, version);
    }
  }

  const versionPrefs: { group: string; version: string; enabled: boolean }[] = [];
  const resourcePrefs: { group: string; version: string; resource: string; enabled: boolean }[] = [];
  for (const [key, value] of overrides) {
    if (MATCHER_KEYS.has(key)) continue;
    const tokens = key.split('/');
    if (tokens.length < 2 || tokens.length > 3) continue;
    const gv = parseGV(tokens[0]!, tokens[1]!);
    if (!registered.has(gv.group)) continue;
    if (!registered.get(gv.group)!.has(gv.version)) {
      throw new RuntimeConfigError(`group version ${gvString(gv.group, gv.version)} that has not been registered`);
    }
    const enabled = value === '' ? true : parseBool(key, value);
    if (tokens.length === 2) {
      versionPrefs.push({ ...gv, enabled });
    } else {
      const resource = tokens[2]!;
      if (resource.toLowerCase() !== resource) {
        throw new RuntimeConfigError(`invalid key ${key}: group/version/resource and resource is always lowercase plural, not ${goQuote(resource)}`);
      }
      resourcePrefs.push({ ...gv, resource, enabled });
    }
  }
  for (const p of versionPrefs) {
    versionEnabled.set(gvKey(p.group, p.version), p.enabled);
    dropResourcePrefs(p.group, p.version);
  }
  for (const p of resourcePrefs) resourceEnabled.set(`${gvKey(p.group, p.version)}/${p.resource}`, p.enabled);

  const isEnabled = (r: ResourceInfo): boolean => {
    const explicit = resourceEnabled.get(`${gvKey(r.group, r.version)}/${r.name}`);
    if (explicit !== undefined) return explicit;
    return versionEnabled.get(gvKey(r.group, r.version)) ?? false;
  };

  const out: GroupInfo[] = [];
  for (const g of groups) {
    const versions: GroupVersionInfo[] = [];
    for (const v of g.versions) {
      const resources = v.resources.filter(isEnabled);
      if (resources.length > 0) versions.push({ ...v, resources });
    }
    if (versions.length > 0) out.push({ name: g.name, versions });
  }
  return out;
}
