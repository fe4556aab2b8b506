// Conversion between the versions that serve one stored resource. Kube converts through an internal
// version; we convert directly between external versions, one small function per (kind, from, to) pair.
import { apiVersionOf, type KObject } from '../api/types.js';

export type Converter = (obj: KObject) => KObject;

const converters = new Map<string, Converter>();

function key(group: string, kind: string, fromVersion: string, toVersion: string): string {
  return `${group}|${kind}|${fromVersion}|${toVersion}`;
}

/** Register a conversion from one version of group/kind to another. */
export function registerConversion(group: string, kind: string, fromVersion: string, toVersion: string, fn: Converter): void {
  converters.set(key(group, kind, fromVersion, toVersion), fn);
}

/**
 * Convert obj (any version of the same stored resource) to group/version/kind. Without a registered
 * converter only apiVersion and kind are rewritten, which is right for versions with identical schemas.
 */
export function convertObject(obj: KObject, group: string, version: string, kind: string): KObject {
  const target = apiVersionOf(group, version);
  if (obj.apiVersion === target && obj.kind === kind) return obj;
  const from = obj.apiVersion ?? target;
  const slash = from.indexOf('/');
  const fromGroup = slash < 0 ? '' : from.slice(0, slash);
  const fromVersion = slash < 0 ? from : from.slice(slash + 1);
  const fn = converters.get(key(group, kind, fromVersion, version)) ?? (fromGroup === group ? undefined : converters.get(`${fromGroup}|${obj.kind}|${fromVersion}|${group}/${version}`));
  const { apiVersion: _a, kind: _k, ...rest } = fn ? fn(obj) : obj;
  return { kind, apiVersion: target, ...rest };
}
