// Discovery documents exactly as kube-apiserver 1.32 serves them. Pure functions over the served groups
// (built-in groups from the catalogue, later CRD groups too); the caller serialises with JSON.stringify,
// whose key order is the insertion order used here = the Go struct field order kube's encoder emits.
//
// Sources (k8s.io/apiserver v0.32, k8s.io/kube-aggregator v0.32, k8s.io/apimachinery v0.32):
//  - /api:            discovery/legacy.go (stripVersion serializer: no apiVersion), metav1.APIVersions
//  - /apis, /apis/g:  kube-aggregator pkg/apiserver/handler_apis.go (apiVersion "v1", no serverAddressByClientCIDRs)
//  - /api/v1, /apis/g/v: discovery/version.go (core: stripVersion → no apiVersion), endpoints/installer.go
//    (resources sorted by path, verbs sorted, storageVersionHash, GroupVersionKindProvider group/version)
//  - aggregated:      endpoints/installer.go ConvertGroupVersionIntoToDiscovery, discovery/aggregated/handler.go,
//    etag.go (ETag = uppercase hex SHA-512 of the JSON list without TypeMeta; Cache-Control public; Vary Accept)
import { createHash } from 'node:crypto';
import type { GroupInfo, GroupVersionInfo, ResourceInfo } from '../registry/catalog.js';
import {
  negotiateDiscoveryDetailed,
  CONTENT_TYPE_AGGREGATED_V2,
  CONTENT_TYPE_AGGREGATED_V2BETA1,
} from './negotiate.js';

export * from './negotiate.js';

// ---------------------------------------------------------------------------------------------- types

export interface ServerAddressByClientCIDR {
  clientCIDR: string;
  serverAddress: string;
}

export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
}

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind?: 'APIGroup';
  apiVersion?: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: APIGroup[];
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion?: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current' | 'Stale';
}

export interface APIGroupDiscovery {
  metadata: { name?: string; creationTimestamp: null };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind?: 'APIGroupDiscoveryList';
  apiVersion?: 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1';
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

// ---------------------------------------------------------------------------------------------- helpers

/** base64(first 8 bytes of sha256("<group>/<version>/<kind>")), "" group for core (storageversionhash.go). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

function groupVersionString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function gvForDiscovery(gv: GroupVersionInfo): GroupVersionForDiscovery {
  return { groupVersion: groupVersionString(gv.group, gv.version), version: gv.version };
}

const byteCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortedVerbs(verbs: readonly string[]): string[] {
  return [...verbs].sort(byteCompare);
}

// ---------------------------------------------------------------------------------------------- legacy

/** GET /api → APIVersions (`{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[...]}`). */
export function apiVersions(serverAddress: string): APIVersions {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: GroupInfo): APIGroup | undefined {
  const first = group.versions[0];
  if (!first) return undefined;
  return { name: group.name, versions: group.versions.map(gvForDiscovery), preferredVersion: gvForDiscovery(first) };
}

/** GET /apis → APIGroupList of every non-core group with at least one served version, in the given order. */
export function apiGroupList(groups: readonly GroupInfo[]): APIGroupList {
  const out: APIGroup[] = [];
  for (const g of groups) {
    if (g.name === '') continue;
    const e = groupEntry(g);
    if (e) out.push(e);
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: out };
}

/** GET /apis/<group> → APIGroup. The group's versions must be in preference order (first = preferred). */
export function apiGroup(group: GroupInfo): APIGroup {
  const first = group.versions[0];
  const versions = group.versions.map(gvForDiscovery);
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group.name,
    versions,
    preferredVersion: first ? gvForDiscovery(first) : { groupVersion: '', version: '' },
  };
}

/** The APIResource entries of one group version: resources and `<resource>/<sub>` entries, sorted by name. */
export function apiResources(gv: GroupVersionInfo): APIResource[] {
  const out: APIResource[] = [];
  for (const r of gv.resources) {
    out.push(mainResource(r));
    for (const s of r.subresources ?? []) {
      out.push({
        name: `${r.name}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(s.group ? { group: s.group } : {}),
        ...(s.version ? { version: s.version } : {}),
        kind: s.kind,
        verbs: sortedVerbs(s.verbs),
      });
    }
  }
  return out.sort((a, b) => byteCompare(a.name, b.name));
}

function mainResource(r: ResourceInfo): APIResource {
  const e: APIResource = {
    name: r.name,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: sortedVerbs(r.verbs),
  };
  if (r.shortNames && r.shortNames.length > 0) e.shortNames = [...r.shortNames];
  if (r.categories && r.categories.length > 0) e.categories = [...r.categories];
  if (r.storageVersionHash) e.storageVersionHash = r.storageVersionHash;
  return e;
}

/** GET /api/v1 (no apiVersion field) and GET /apis/<g>/<v> (`"apiVersion":"v1"`) → APIResourceList. */
export function apiResourceList(gv: GroupVersionInfo): APIResourceList {
  const resources = apiResources(gv);
  if (gv.group === '') return { kind: 'APIResourceList', groupVersion: gv.version, resources };
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionString(gv.group, gv.version), resources };
}

// ---------------------------------------------------------------------------------------------- aggregated

function versionDiscovery(gv: GroupVersionInfo): APIVersionDiscovery {
  const list = apiResources(gv);
  const resources: APIResourceDiscovery[] = [];
  const parents = new Map<string, APIResourceDiscovery>();
  for (const r of list) {
    if (r.name.includes('/')) continue;
    const d: APIResourceDiscovery = {
      resource: r.name,
      responseKind: { group: r.group ?? '', version: r.version ?? '', kind: r.kind },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName,
      verbs: r.verbs,
    };
    if (r.shortNames) d.shortNames = r.shortNames;
    if (r.categories) d.categories = r.categories;
    resources.push(d);
    parents.set(r.name, d);
  }
  for (const r of list) {
    const slash = r.name.indexOf('/');
    if (slash < 0) continue;
    const parentName = r.name.slice(0, slash);
    let parent = parents.get(parentName);
    if (!parent) {
      parent = {
        resource: parentName,
        responseKind: { group: '', version: '', kind: '' },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: '',
        verbs: [],
      };
      resources.push(parent);
      parents.set(parentName, parent);
    }
    (parent.subresources ??= []).push({
      subresource: r.name.slice(slash + 1),
      responseKind: { group: r.group ?? '', version: r.version ?? '', kind: r.kind },
      verbs: r.verbs,
    });
  }
  return { version: gv.version, resources, freshness: 'Current' };
}

function groupDiscovery(g: GroupInfo): APIGroupDiscovery {
  const metadata: APIGroupDiscovery['metadata'] =
    g.name === '' ? { creationTimestamp: null } : { name: g.name, creationTimestamp: null };
  return { metadata, versions: g.versions.map(versionDiscovery) };
}

function aggregatedItems(groups: readonly GroupInfo[], scope: 'api' | 'apis'): APIGroupDiscovery[] {
  return groups
    .filter((g) => (scope === 'api' ? g.name === '' : g.name !== '') && g.versions.length > 0)
    .map(groupDiscovery);
}

/**
 * The aggregated discovery document: scope 'api' → the core group only (GET /api), 'apis' → every other group
 * (GET /apis), groups and versions in the given (priority) order. v2beta1 has the same fields.
 */
export function aggregatedDiscovery(
  groups: readonly GroupInfo[],
  scope: 'api' | 'apis',
  version: 'v2' | 'v2beta1' = 'v2',
): APIGroupDiscoveryList {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: version === 'v2' ? 'apidiscovery.k8s.io/v2' : 'apidiscovery.k8s.io/v2beta1',
    metadata: {},
    items: aggregatedItems(groups, scope),
  };
}

/** kube's aggregated-discovery ETag (unquoted): uppercase hex SHA-512 of the list JSON without kind/apiVersion. */
export function aggregatedDiscoveryETag(groups: readonly GroupInfo[], scope: 'api' | 'apis'): string {
  const body = JSON.stringify({ metadata: {}, items: aggregatedItems(groups, scope) });
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

export interface DiscoveryHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Convenience: the whole GET /api or GET /apis answer for JSON clients (aggregated v2/v2beta1 with ETag /
 * If-None-Match → 304, or legacy JSON). Returns undefined when negotiation picked YAML or protobuf (the caller's
 * generic encoder must handle those) and a 406 response when nothing is acceptable.
 */
export function discoveryRootResponse(
  groups: readonly GroupInfo[],
  scope: 'api' | 'apis',
  req: { accept?: string; ifNoneMatch?: string; serverAddress: string },
): DiscoveryHttpResponse | undefined {
  const n = negotiateDiscoveryDetailed(req.accept);
  if (!n) {
    return {
      status: 406,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
        reason: 'NotAcceptable',
        code: 406,
      }),
    };
  }
  if (n.mediaType !== 'application/json') return undefined;
  if (n.kind === 'aggregated') {
    const version = n.version ?? 'v2';
    const etag = `"${aggregatedDiscoveryETag(groups, scope)}"`;
    const headers: Record<string, string> = { ETag: etag, Vary: 'Accept', 'Cache-Control': 'public' };
    if (req.ifNoneMatch === etag) return { status: 304, headers, body: '' };
    headers['Content-Type'] = version === 'v2' ? CONTENT_TYPE_AGGREGATED_V2 : CONTENT_TYPE_AGGREGATED_V2BETA1;
    return { status: 200, headers, body: JSON.stringify(aggregatedDiscovery(groups, scope, version)) };
  }
  const doc = scope === 'api' ? apiVersions(req.serverAddress) : apiGroupList(groups);
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(doc) };
}
