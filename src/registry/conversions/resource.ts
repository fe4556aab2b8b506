// resource.k8s.io v1alpha3 <-> v1beta1 (kube-apiserver 1.32, pkg/apis/resource/v1alpha3/conversion.go).
// DeviceClass, ResourceClaim and ResourceClaimTemplate have identical schemas. ResourceSlice differs in
// one place: spec.devices[].basic.capacity maps a name to a Quantity in v1alpha3 and to a DeviceCapacity
// {value: Quantity} in v1beta1 (the internal version has the v1beta1 shape).
import type { KObject } from '../../api/types.js';
import { clone, isObj, obj, type J } from './util.js';

function mapCapacities(src: KObject, mapOne: (v: unknown) => unknown): KObject {
  const out = clone(src);
  const spec = obj((out as J)['spec']);
  const devices = spec?.['devices'];
  if (!Array.isArray(devices)) return out;
  for (const d of devices) {
    const basic = isObj(d) ? obj(d['basic']) : undefined;
    const cap = basic ? obj(basic['capacity']) : undefined;
    if (!basic || !cap) continue;
    const next: J = {};
    for (const [name, v] of Object.entries(cap)) next[name] = mapOne(v);
    basic['capacity'] = next;
  }
  return out;
}

/** v1alpha3 ResourceSlice -> v1beta1: each capacity Quantity becomes {value: Quantity}. */
export function resourceSliceV1alpha3ToV1beta1(src: KObject): KObject {
  return mapCapacities(src, (v) => ({ value: v ?? '0' }));
}

/** v1beta1 ResourceSlice -> v1alpha3: each {value: Quantity} becomes the Quantity. */
export function resourceSliceV1beta1ToV1alpha3(src: KObject): KObject {
  return mapCapacities(src, (v) => {
    const q = isObj(v) ? v['value'] : undefined;
    return q === undefined || q === null ? '0' : q;
  });
}
