// The conversion functions between the versions kube-apiserver 1.32 serves for one built-in resource.
// Registered into the conversion registry (../conversion.ts) by registerBuiltinConversions().
//
// Pairs with different schemas have their own functions:
//   autoscaling v1 <-> v2 HorizontalPodAutoscaler (autoscaling.ts)
//   core v1 Event <-> events.k8s.io v1 Event, which share storage (events.ts)
//   resource.k8s.io v1alpha3 <-> v1beta1 ResourceSlice (resource.ts)
// Every other kind served in more than one version of its group (admissionregistration v1beta1/v1
// ValidatingAdmissionPolicy(Binding), resource.k8s.io DeviceClass/ResourceClaim/ResourceClaimTemplate,
// storage v1alpha1/v1beta1 VolumeAttributesClass, authentication v1beta1/v1 SelfSubjectReview, ...) has
// identical schemas in 1.32: its conversion is a deep copy (convertObject rewrites apiVersion and kind).
import type { KObject } from '../../api/types.js';
import { builtinGroups, type GroupInfo } from '../catalog.js';
import { registerConversion, type Converter } from '../conversion.js';
import { hpaV1ToV2, hpaV2ToV1 } from './autoscaling.js';
import { coreEventToEventsV1, eventsV1ToCoreEvent } from './events.js';
import { resourceSliceV1alpha3ToV1beta1, resourceSliceV1beta1ToV1alpha3 } from './resource.js';
import { clone } from './util.js';

export { hpaV1ToV2, hpaV2ToV1, stripHpaRoundTripAnnotations } from './autoscaling.js';
export { coreEventToEventsV1, eventsV1ToCoreEvent } from './events.js';
export { resourceSliceV1alpha3ToV1beta1, resourceSliceV1beta1ToV1alpha3 } from './resource.js';

/** Same-group conversions with a schema difference: [group, kind, from, to, fn]. */
const SPECIFIC: [string, string, string, string, Converter][] = [
  ['autoscaling', 'HorizontalPodAutoscaler', 'v1', 'v2', hpaV1ToV2],
  ['autoscaling', 'HorizontalPodAutoscaler', 'v2', 'v1', hpaV2ToV1],
  ['resource.k8s.io', 'ResourceSlice', 'v1alpha3', 'v1beta1', resourceSliceV1alpha3ToV1beta1],
  ['resource.k8s.io', 'ResourceSlice', 'v1beta1', 'v1alpha3', resourceSliceV1beta1ToV1alpha3],
];

/** Identical schemas: a deep copy. */
export const identityConversion: Converter = (obj: KObject): KObject => clone(obj);

/** Every (group, kind, fromVersion, toVersion) pair of a kind served in several versions of its group. */
export function multiVersionKinds(groups: GroupInfo[] = builtinGroups()): { group: string; kind: string; versions: string[] }[] {
  const out: { group: string; kind: string; versions: string[] }[] = [];
  for (const g of groups) {
    const byKind = new Map<string, string[]>();
    for (const v of g.versions) {
      for (const r of v.resources) {
        const list = byKind.get(r.kind) ?? [];
        if (!list.includes(v.version)) list.push(v.version);
        byKind.set(r.kind, list);
      }
    }
    for (const [kind, versions] of byKind) if (versions.length > 1) out.push({ group: g.name, kind, versions });
  }
  return out;
}

export function registerBuiltinConversions(): void {
  const specific = new Set(SPECIFIC.map(([g, k, f, t]) => `${g}|${k}|${f}|${t}`));
  for (const { group, kind, versions } of multiVersionKinds()) {
    for (const from of versions) {
      for (const to of versions) {
        if (from === to || specific.has(`${group}|${kind}|${from}|${to}`)) continue;
        registerConversion(group, kind, from, to, identityConversion);
      }
    }
  }
  for (const [group, kind, from, to, fn] of SPECIFIC) registerConversion(group, kind, from, to, fn);

  // Cross-group (shared storage): convertObject looks these up as
  // `${fromGroup}|${kind}|${fromVersion}|${targetGroup}/${targetVersion}` (core's group is "").
  registerConversion('', 'Event', 'v1', 'events.k8s.io/v1', coreEventToEventsV1);
  registerConversion('events.k8s.io', 'Event', 'v1', '/v1', eventsV1ToCoreEvent);
}
