// Storage key layout, as kube-apiserver lays out etcd: /registry/<prefix>/<namespace>/<name>.
import type { ResourceInfo } from './catalog.js';

// Resources whose etcd prefix is not simply their plural name (kube's historical names).
const prefixOverrides: Record<string, string> = {
  '/services': 'services/specs',
  '/endpoints': 'services/endpoints',
  '/nodes': 'minions',
  '/replicationcontrollers': 'controllers',
  'networking.k8s.io/ingresses': 'ingress',
  'apiregistration.k8s.io/apiservices': 'apiregistration.k8s.io/apiservices',
  'apiextensions.k8s.io/customresourcedefinitions': 'apiextensions.k8s.io/customresourcedefinitions',
};

/** The key prefix (ending in "/") of a resource's objects. Built-in resources served by several groups share it. */
export function resourcePrefix(root: string, r: Pick<ResourceInfo, 'group' | 'name'>, custom = false): string {
  const base = custom ? `${r.group}/${r.name}` : (prefixOverrides[`${r.group}/${r.name}`] ?? r.name);
  return `${root}/${base}/`;
}

export function objectKey(prefix: string, namespace: string | undefined, name: string): string {
  return namespace ? `${prefix}${namespace}/${name}` : `${prefix}${name}`;
}

/** Prefix for listing: all objects, or those in one namespace. */
export function listPrefix(prefix: string, namespace: string | undefined): string {
  return namespace ? `${prefix}${namespace}/` : prefix;
}
