// Storage versions of the built-in resources in kube-apiserver 1.32, and the storageVersionHash that
// discovery reports for them.
//
// kube-apiserver 1.32 picks the version an object is encoded in for etcd (k8s.io/apiserver
// pkg/server/storage DefaultStorageFactory.NewConfig + DefaultResourceEncodingConfig):
//  - cohabitating resources are stored as the first of their set whose group is enabled: events.k8s.io
//    events are stored with core events, as core/v1 Event (pkg/kubeapiserver/default_storage_factory_builder.go:
//    AddCohabitatingResources(api.Resource("events"), events.Resource("events")));
//  - resources listed in ResourceEncodingOverrides keep that version (1.32: networking ipaddresses and
//    servicecidrs v1beta1, certificates clustertrustbundles v1alpha1, storage volumeattributesclasses v1beta1,
//    storagemigration v1alpha1, and the alpha-only kinds in their only version);
//  - otherwise the group's most preferred version that serves the kind and existed in the
//    min-compatibility release 1.31 without a declared replacement, falling back to the group's
//    preferred version: autoscaling HPAs are stored as autoscaling/v2, admissionregistration
//    ValidatingAdmissionPolicy(Binding) as v1, resource.k8s.io as v1beta1.
// Discovery's storageVersionHash is computed from the storage version's group/version/kind
// (endpoints/installer.go → discovery.StorageVersionHash), so every version of a resource reports the
// same hash: autoscaling/v1 HPAs report the autoscaling/v2 hash, events.k8s.io/v1 events the core/v1 one.
// Resources that are not persisted (bindings, componentstatuses, token/access/self reviews) have none.
import { createHash } from 'node:crypto';
import { builtinGroups, type GroupInfo } from './catalog.js';

export interface StorageGroupVersion {
  group: string;
  version: string;
}

/** Resources stored together with another group's resource: [group, resource] -> [storage group, resource]. */
const COHABITATING: Record<string, { group: string; resource: string }> = {
  'events.k8s.io/events': { group: '', resource: 'events' },
};

/** Explicit storage versions (ResourceEncodingOverrides and resources with a single possible version). */
const OVERRIDES: Record<string, string> = {
  'networking.k8s.io/ipaddresses': 'v1beta1',
  'networking.k8s.io/servicecidrs': 'v1beta1',
  'certificates.k8s.io/clustertrustbundles': 'v1alpha1',
  'storage.k8s.io/volumeattributesclasses': 'v1beta1',
  'storagemigration.k8s.io/storageversionmigrations': 'v1alpha1',
  'coordination.k8s.io/leasecandidates': 'v1alpha2',
  'admissionregistration.k8s.io/mutatingadmissionpolicies': 'v1alpha1',
  'admissionregistration.k8s.io/mutatingadmissionpolicybindings': 'v1alpha1',
  'autoscaling/horizontalpodautoscalers': 'v2',
  'resource.k8s.io/deviceclasses': 'v1beta1',
  'resource.k8s.io/resourceclaims': 'v1beta1',
  'resource.k8s.io/resourceclaimtemplates': 'v1beta1',
  'resource.k8s.io/resourceslices': 'v1beta1',
};

function rkey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

/** discovery.StorageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function computeStorageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/**
 * The group/version kube-apiserver 1.32 stores group/resource in (for cohabitating resources the group is
 * the storage group: events.k8s.io events → core v1). Unknown resources fall back to the group's first
 * catalogue version serving them, or throw when the catalogue does not know them at all.
 */
export function storageVersionOf(group: string, resource: string, groups: GroupInfo[] = builtinGroups()): StorageGroupVersion {
  const co = COHABITATING[rkey(group, resource)];
  if (co) return storageVersionOf(co.group, co.resource, groups);
  const override = OVERRIDES[rkey(group, resource)];
  if (override) return { group, version: override };
  const g = groups.find((x) => x.name === group);
  const v = g?.versions.find((x) => x.resources.some((r) => r.name === resource));
  if (!v) throw new Error(`unknown built-in resource ${resource}${group ? `.${group}` : ''}`);
  return { group, version: v.version };
}

/** Whether kube-apiserver persists the resource (the catalogue has no storageVersionHash for the others). */
function isPersisted(group: string, resource: string, groups: GroupInfo[]): boolean {
  const g = groups.find((x) => x.name === group);
  if (!g) return false;
  return g.versions.some((v) => v.resources.some((r) => r.name === resource && r.storageVersionHash !== undefined && r.storageVersionHash !== null));
}

function kindOf(group: string, resource: string, groups: GroupInfo[]): string | undefined {
  for (const v of groups.find((x) => x.name === group)?.versions ?? []) {
    const r = v.resources.find((x) => x.name === resource);
    if (r) return r.kind;
  }
  return undefined;
}

/**
 * The storageVersionHash discovery reports for group/resource in every version it is served in, or
 * undefined for resources that are not persisted (or unknown).
 */
export function storageVersionHashFor(group: string, resource: string, groups: GroupInfo[] = builtinGroups()): string | undefined {
  if (!isPersisted(group, resource, groups)) return undefined;
  const co = COHABITATING[rkey(group, resource)];
  const sg = co?.group ?? group;
  const sr = co?.resource ?? resource;
  const kind = kindOf(sg, sr, groups);
  if (!kind) return undefined;
  const sv = storageVersionOf(sg, sr, groups);
  return computeStorageVersionHash(sv.group, sv.version, kind);
}
