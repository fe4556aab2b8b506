// Deprecation warnings for built-in API versions, as kube-apiserver 1.32 sends them in the Warning header
// (k8s.io/apiserver pkg/endpoints/deprecation: IsDeprecated + WarningMessage, installed per endpoint by
// pkg/endpoints/installer.go). The data (data/deprecations.json) is k8s.io/api v0.32's generated
// prerelease-lifecycle information: the numbers there are already what prerelease-lifecycle-gen computed
// (a beta introduced in 1.x is deprecated in 1.x+3 and removed in 1.x+6 unless the type's tags say otherwise).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from '../util/data-dir.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface LifecycleInfo extends GroupVersionKind {
  introduced?: string;
  /** "major.minor" */
  deprecated: string;
  removed?: string;
  replacement?: GroupVersionKind;
}

interface DeprecationsFile {
  types: LifecycleInfo[];
}

/** The release this server reports (/version): kube-apiserver 1.32. */
export const CURRENT_MAJOR = 1;
export const CURRENT_MINOR = 32;

let table: Map<string, LifecycleInfo> | undefined;

function key(group: string, version: string, kind: string): string {
  return `${group}|${version}|${kind}`;
}

function load(): Map<string, LifecycleInfo> {
  if (table) return table;
  const file = JSON.parse(readFileSync(join(DATA_DIR, 'deprecations.json'), 'utf8')) as DeprecationsFile;
  table = new Map(file.types.map((t) => [key(t.group, t.version, t.kind), t]));
  return table;
}

function majorMinor(s: string): [number, number] {
  const [a, b] = s.split('.');
  return [Number(a), Number(b)];
}

function gvString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** The lifecycle data of a built-in kind, when it declares a deprecation release. */
export function lifecycleOf(group: string, version: string, kind: string): LifecycleInfo | undefined {
  return load().get(key(group, version, kind));
}

/** deprecation.IsDeprecated: a deprecation release is declared and is not after the current release. */
export function isDeprecated(group: string, version: string, kind: string, currentMajor = CURRENT_MAJOR, currentMinor = CURRENT_MINOR): boolean {
  const info = lifecycleOf(group, version, kind);
  if (!info) return false;
  const [dMajor, dMinor] = majorMinor(info.deprecated);
  if (dMajor === 0 && dMinor === 0) return false;
  if (dMajor > currentMajor) return false;
  if (dMajor === currentMajor && dMinor > currentMinor) return false;
  return true;
}

/**
 * The Warning text kube-apiserver 1.32 adds to every request served by group/version for kind, or undefined
 * when that version is not deprecated in 1.32:
 * "<group/version> <Kind> is deprecated in v1.X+[, unavailable in v1.Y+][; use <group/version> <Kind>]".
 */
export function deprecationWarning(group: string, version: string, kind: string): string | undefined {
  if (!isDeprecated(group, version, kind)) return undefined;
  const info = lifecycleOf(group, version, kind)!;
  let msg = `${gvString(group, version)} ${kind} is deprecated in v${info.deprecated}+`;
  if (info.removed) {
    const [rMajor, rMinor] = majorMinor(info.removed);
    if (rMajor !== 0 || rMinor !== 0) msg += `, unavailable in v${info.removed}+`;
  }
  if (info.replacement && info.replacement.kind !== '') {
    msg += `; use ${gvString(info.replacement.group, info.replacement.version)} ${info.replacement.kind}`;
  }
  return msg;
}
