// Core (legacy group) types other than Pod: pkg/apis/core/validation.
import { fieldErr, type FieldError } from '../../api/field-errors.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateKubeFinalizerName } from './meta.js';
import { validatePodTemplateSpec, validatePortNumOrName } from './pod.js';
import {
  arr, child, deepEqual, index, isConfigMapKey, isIP, isObj, isQualifiedName, isSet, isValidCIDR, isValidIP, isValidLabelValue, isValidPortNum, key,
  mapSelectorMatches, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, num, obj, optObj, parseIPv4, parseQuantity,
  quantityString, sortedMap, str, strArr, strMap, validateDNS1123Label, validateDNS1123Subdomain, validateImmutableField,
  validateLabelSelector, validateLabels, validateNameWith, validateNonnegativeField, validatePathSegmentName, validateQualifiedName,
  type Obj,
} from './util.js';

export const MAX_SECRET_SIZE = 1 * 1024 * 1024;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

// ---------------- Service ----------------
function isHeadless(svc: Obj): boolean {
  const spec = obj(svc.spec);
  return str(spec.clusterIP) === 'None';
}

export function validateService(svc: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(svc.spec);
  const meta = obj(svc.metadata);
  const ann = strMap(meta.annotations);
  errs.push(...validateObjectMeta(svc.metadata, true, nameIsDNS1035Label));
  const hintsKey = 'service.kubernetes.io/topology-aware-hints';
  const modeKey = 'service.kubernetes.io/topology-mode';
  if (modeKey in ann && hintsKey in ann && ann[modeKey] !== ann[hintsKey]) {
    errs.push(fieldErr.invalid(key('metadata.annotations', modeKey), ann[modeKey], `must match annotations[${hintsKey}] when both are specified`));
  }
  const type = str(spec.type) || 'ClusterIP';
  const ports = arr(spec.ports).map(obj);
  const headless = isHeadless(svc);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(fieldErr.required('spec.ports', ''));
  const clusterIPs = strArr(spec.clusterIPs);
  switch (type) {
    case 'LoadBalancer':
      if (headless) errs.push(fieldErr.invalid('spec.clusterIPs[0]', clusterIPs[0] ?? 'None', "may not be set to 'None' for LoadBalancer services"));
      break;
    case 'NodePort':
      if (headless) errs.push(fieldErr.invalid('spec.clusterIPs[0]', clusterIPs[0] ?? 'None', "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (clusterIPs.length > 0 || str(spec.clusterIP)) errs.push(fieldErr.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (strArr(spec.ipFamilies).length > 0) errs.push(fieldErr.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (isSet(spec.ipFamilyPolicy)) errs.push(fieldErr.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = str(spec.externalName).replace(/\.$/, '');
      if (cname) errs.push(...validateDNS1123Subdomain(cname, 'spec.externalName'));
      else errs.push(fieldErr.required('spec.externalName', ''));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((sp, i) => {
    const p = index('spec.ports', i);
    const name = str(sp.name);
    if (ports.length > 1 && !name) errs.push(fieldErr.required(child(p, 'name'), ''));
    else if (name) {
      errs.push(...validateDNS1123Label(name, child(p, 'name')));
      if (names.has(name)) errs.push(fieldErr.duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    const port = num(sp.port) ?? 0;
    for (const m of isValidPortNum(port)) errs.push(fieldErr.invalid(child(p, 'port'), port, m));
    const proto = str(sp.protocol);
    if (isSet(sp.protocol) && !proto) errs.push(fieldErr.required(child(p, 'protocol'), ''));
    else if (proto && !PROTOCOLS.includes(proto)) errs.push(fieldErr.notSupported(child(p, 'protocol'), proto, PROTOCOLS));
    // targetPort is defaulted to port.
    errs.push(...validatePortNumOrName(sp.targetPort ?? port, child(p, 'targetPort')));
    if (typeof sp.appProtocol === 'string') errs.push(...validateQualifiedName(sp.appProtocol, child(p, 'appProtocol')));
  });
  if (isObj(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const sa = str(spec.sessionAffinity);
  if (isSet(spec.sessionAffinity) && !sa) errs.push(fieldErr.required('spec.sessionAffinity', ''));
  else if (sa && sa !== 'ClientIP' && sa !== 'None') errs.push(fieldErr.notSupported('spec.sessionAffinity', sa, ['ClientIP', 'None']));
  if (sa === 'ClientIP') {
    const cfg = optObj(spec.sessionAffinityConfig);
    const cip = cfg ? optObj(cfg.clientIP) : undefined;
    const timeout = cip ? num(cip.timeoutSeconds) : undefined;
    if (!cfg) errs.push(fieldErr.required('spec.sessionAffinityConfig', 'when session affinity type is ClientIP'));
    else if (!cip) errs.push(fieldErr.required('spec.sessionAffinityConfig.clientIP', 'when session affinity type is ClientIP'));
    else if (timeout === undefined) errs.push(fieldErr.required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', 'when session affinity type is ClientIP'));
    else if (timeout <= 0 || timeout > 86400) errs.push(fieldErr.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
  } else if (sa === 'None' && isSet(spec.sessionAffinityConfig)) {
    errs.push(fieldErr.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...clusterIPsRelated(spec, type));
  strArr(spec.externalIPs).forEach((ip, i) => {
    const e = isValidIP(`spec.externalIPs[${i}]`, ip);
    if (e.length) errs.push(...e);
    else errs.push(...validateNonSpecialIP(ip, `spec.externalIPs[${i}]`));
  });
  const rawType = str(spec.type);
  if (isSet(spec.type) && !rawType) errs.push(fieldErr.required('spec.type', ''));
  else if (rawType && !['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'].includes(rawType)) {
    errs.push(fieldErr.notSupported('spec.type', rawType, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']));
  }
  if (type === 'ClusterIP') {
    ports.forEach((sp, i) => {
      if ((num(sp.nodePort) ?? 0) !== 0) errs.push(fieldErr.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((sp, i) => {
    const np = num(sp.nodePort) ?? 0;
    if (np === 0) return;
    const k = `${str(sp.protocol) || 'TCP'}/${np}`;
    if (nodePorts.has(k)) errs.push(fieldErr.duplicate(`spec.ports[${i}].nodePort`, np));
    nodePorts.add(k);
  });
  const seenPorts = new Set<string>();
  ports.forEach((sp, i) => {
    const proto = str(sp.protocol) || 'TCP';
    const k = `${proto}/${num(sp.port) ?? 0}`;
    if (seenPorts.has(k)) {
      errs.push(fieldErr.duplicate(`spec.ports[${i}]`, `core.ServicePort{Name:"", Protocol:"${proto}", AppProtocol:(*string)(nil), Port:${num(sp.port) ?? 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`));
    }
    seenPorts.add(k);
  });
  const lbsr = strArr(spec.loadBalancerSourceRanges);
  if (lbsr.length > 0) {
    if (type !== 'LoadBalancer') errs.push(fieldErr.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    lbsr.forEach((v, i) => errs.push(...isValidCIDR(`spec.LoadBalancerSourceRanges[${i}]`, v.trim())));
  }
  if (isSet(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') {
    errs.push(fieldErr.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && strArr(spec.externalIPs).length > 0);
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible) {
    if (etp) errs.push(fieldErr.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (etp && etp !== 'Cluster' && etp !== 'Local') {
    errs.push(fieldErr.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  const hc = num(spec.healthCheckNodePort) ?? 0;
  const needsHC = type === 'LoadBalancer' && etp === 'Local';
  if (!needsHC && hc !== 0) {
    errs.push(fieldErr.invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (needsHC && hc !== 0) {
    for (const m of isValidPortNum(hc)) errs.push(fieldErr.invalid('spec.healthCheckNodePort', hc, m));
  }
  const itp = spec.internalTrafficPolicy;
  if (isSet(itp) && str(itp) !== 'Cluster' && str(itp) !== 'Local') errs.push(fieldErr.notSupported('spec.internalTrafficPolicy', str(itp), ['Cluster', 'Local']));
  if (isSet(spec.trafficDistribution) && str(spec.trafficDistribution) !== 'PreferClose') {
    errs.push(fieldErr.notSupported('spec.trafficDistribution', str(spec.trafficDistribution), ['PreferClose']));
  }
  return errs;
}

function clusterIPsRelated(spec: Obj, type: string): FieldError[] {
  if (type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIP = str(spec.clusterIP);
  const clusterIPs = strArr(spec.clusterIPs);
  // clusterIPs is synced from clusterIP by the strategy; only check when both are given.
  if (clusterIP && clusterIPs.length > 0 && clusterIPs[0] !== clusterIP) {
    errs.push(fieldErr.invalid('spec.clusterIPs', clusterIPs, 'first value must match `clusterIP`'));
  } else if (!clusterIP && clusterIPs.length > 0) {
    errs.push(fieldErr.invalid('spec.clusterIPs', clusterIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  strArr(spec.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(fieldErr.notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(fieldErr.duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (isSet(spec.ipFamilyPolicy)) {
    const p = str(spec.ipFamilyPolicy);
    if (!['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(p)) {
      errs.push(fieldErr.notSupported('spec.ipFamilyPolicy', p, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
    }
  }
  const ips = clusterIPs.length ? clusterIPs : clusterIP ? [clusterIP] : [];
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) errs.push(fieldErr.invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      return;
    }
    errs.push(...isValidIP(`spec.clusterIPs[${i}]`, ip));
  });
  if (ips.length > 2) errs.push(fieldErr.invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  return errs;
}

export function validateNonSpecialIP(ip: string, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const v4 = parseIPv4(ip);
  if (!v4 && !isIP(ip)) return [fieldErr.invalid(fld, ip, 'must be a valid IP address')];
  const lower = ip.toLowerCase();
  if ((v4 && v4.every((x) => x === 0)) || lower === '::') errs.push(fieldErr.invalid(fld, ip, `may not be unspecified (${ip})`));
  if ((v4 && v4[0] === 127) || lower === '::1') errs.push(fieldErr.invalid(fld, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if ((v4 && v4[0] === 169 && v4[1] === 254) || /^fe[89ab]/.test(lower)) errs.push(fieldErr.invalid(fld, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if ((v4 && v4[0] === 224 && v4[1] === 0 && v4[2] === 0) || /^ff02:/.test(lower)) {
    errs.push(fieldErr.invalid(fld, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

export function validateServiceUpdate(svc: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateObjectMetaUpdate(svc.metadata, old.metadata));
  const spec = obj(svc.spec);
  const ospec = obj(old.spec);
  const type = str(spec.type) || 'ClusterIP';
  const otype = str(ospec.type) || 'ClusterIP';
  if (type !== 'ExternalName' && otype !== 'ExternalName' && !(isHeadless(svc) && isHeadless(old))) {
    const n = strArr(spec.clusterIPs).length ? strArr(spec.clusterIPs) : str(spec.clusterIP) ? [str(spec.clusterIP)] : [];
    const o = strArr(ospec.clusterIPs).length ? strArr(ospec.clusterIPs) : str(ospec.clusterIP) ? [str(ospec.clusterIP)] : [];
    if (n.length === o.length) {
      o.forEach((ip, i) => {
        if (ip !== n[i]) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, n, 'may not change once set'));
      });
    } else if (o.length > n.length) {
      if (n.length === 0) errs.push(fieldErr.invalid('spec.clusterIPs[0]', n, 'primary clusterIP can not be unset'));
      if (o.length > 0 && n.length > 0 && n[0] !== o[0]) errs.push(fieldErr.invalid('spec.clusterIPs[0]', n, 'may not change once set'));
      if (n.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack') {
        errs.push(fieldErr.invalid('spec.clusterIPs[0]', n, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (o.length > 0 && n[0] !== o[0]) {
      errs.push(fieldErr.invalid('spec.clusterIPs[0]', n, 'may not change once set'));
    }
  }
  const nlbc = spec.loadBalancerClass;
  const olbc = ospec.loadBalancerClass;
  if (type === 'LoadBalancer' && otype === 'LoadBalancer' && !deepEqual(nlbc, olbc)) {
    errs.push(fieldErr.invalid('spec.loadBalancerClass', nlbc ?? null, 'may not change once set'));
  }
  const hcNew = type === 'LoadBalancer' && str(spec.externalTrafficPolicy) === 'Local';
  const hcOld = otype === 'LoadBalancer' && str(ospec.externalTrafficPolicy) === 'Local';
  if (hcNew && hcOld && (num(spec.healthCheckNodePort) ?? 0) !== (num(ospec.healthCheckNodePort) ?? 0)) {
    errs.push(fieldErr.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}

// ---------------- ConfigMap / Secret ----------------
function base64Len(v: unknown): number {
  const s = str(v);
  return Buffer.from(s, 'base64').length;
}

export function validateConfigMap(cm: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain));
  let total = 0;
  const binary = obj(cm.binaryData);
  for (const [k, v] of Object.entries(obj(cm.data))) {
    for (const m of isConfigMapKey(k)) errs.push(fieldErr.invalid(key('data', k), k, m));
    if (Object.prototype.hasOwnProperty.call(binary, k)) errs.push(fieldErr.invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(str(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of isConfigMapKey(k)) errs.push(fieldErr.invalid(key('binaryData', k), k, m));
    total += base64Len(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(fieldErr.tooLong('', '', MAX_SECRET_SIZE));
  return errs;
}

export function validateConfigMapUpdate(cm: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateObjectMetaUpdate(cm.metadata, old.metadata));
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(cm.data, old.data)) errs.push(fieldErr.forbidden('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual(cm.binaryData, old.binaryData)) errs.push(fieldErr.forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validateConfigMap(cm));
  return errs;
}

export function validateSecret(secret: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain));
  const data = obj(secret.data);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(fieldErr.invalid(key('data', k), k, m));
    total += base64Len(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(fieldErr.tooLong('data', '', MAX_SECRET_SIZE));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const type = str(secret.type);
  switch (type) {
    case 'kubernetes.io/service-account-token':
      if (!strMap(obj(secret.metadata).annotations)['kubernetes.io/service-account.name']) {
        errs.push(fieldErr.required(key('metadata.annotations', 'kubernetes.io/service-account.name'), ''));
      }
      break;
    case 'Opaque':
    case '':
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const k = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(k)) {
        errs.push(fieldErr.required(key('data', k), ''));
        break;
      }
      const text = Buffer.from(str(data[k]), 'base64').toString('utf8');
      const err = goJSONObjectError(text);
      if (err) errs.push(fieldErr.invalid(key('data', k), '<secret contents redacted>', err));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(fieldErr.required(key('data', 'username'), ''));
        errs.push(fieldErr.required(key('data', 'password'), ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64Len(data['ssh-privatekey']) === 0) errs.push(fieldErr.required(key('data', 'ssh-privatekey'), ''));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(fieldErr.required(key('data', 'tls.crt'), ''));
      if (!has('tls.key')) errs.push(fieldErr.required(key('data', 'tls.key'), ''));
      break;
    default:
      break;
  }
  return errs;
}

/** Mimics encoding/json's error text for unmarshalling into map[string]interface{} (common cases). */
function goJSONObjectError(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return 'unexpected end of JSON input';
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return `invalid character '${t[0] === '{' ? findBadChar(t) : t[0]}' looking for beginning of value`;
  }
  if (!isObj(v)) {
    const kind = Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : '';
    if (v === null) return undefined;
    return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
  }
  return undefined;
}
function findBadChar(t: string): string {
  for (let i = 1; i < t.length; i++) if (!/[\s"{}:,\[\]0-9a-zA-Z.\-+]/.test(t[i]!)) return t[i]!;
  return t[1] ?? '}';
}

export function validateSecretUpdate(secret: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateObjectMetaUpdate(secret.metadata, old.metadata));
  errs.push(...validateImmutableField(str(secret.type), str(old.type), 'type'));
  if (old.immutable === true) {
    if (secret.immutable !== true) errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(secret.data, old.data)) errs.push(fieldErr.forbidden('data', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validateSecret(secret));
  return errs;
}

// ---------------- Namespace ----------------
export function validateNamespace(ns: Obj): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, false, nameIsDNSLabel);
  for (const f of strArr(obj(ns.spec).finalizers)) errs.push(...validateNamespaceFinalizer(f, 'spec.finalizers'));
  return errs;
}
function validateNamespaceFinalizer(f: string, fld: string): FieldError[] {
  const errs = isQualifiedName(f).map((m) => fieldErr.invalid(fld, f, m));
  errs.push(...validateKubeFinalizerName(f, fld));
  return errs;
}
export function validateNamespaceUpdate(ns: Obj, old: Obj): FieldError[] {
  return validateObjectMetaUpdate(ns.metadata, old.metadata);
}
export function validateNamespaceStatusUpdate(ns: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = str(obj(ns.status).phase);
  if (!obj(ns.metadata).deletionTimestamp) {
    if (phase !== 'Active') errs.push(fieldErr.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(fieldErr.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}
export function validateNamespaceFinalizeUpdate(ns: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  strArr(obj(ns.spec).finalizers).forEach((f, i) => errs.push(...validateNamespaceFinalizer(f, `spec.finalizers[${i}]`)));
  return errs;
}

// ---------------- Node ----------------
function validateNodeTaints(taints: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  arr(taints).map(obj).forEach((t, i) => {
    const p = index(fld, i);
    const k = str(t.key);
    for (const m of isQualifiedName(k)) errs.push(fieldErr.invalid(child(p, 'key'), k, m));
    const lv = str(t.value);
    const vmsgs = isValidLabelValue(lv);
    if (vmsgs.length) errs.push(fieldErr.invalid(child(p, 'value'), lv, vmsgs.join(';')));
    const effect = str(t.effect);
    if (!effect) errs.push(fieldErr.required(child(p, 'effect'), ''));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(fieldErr.notSupported(child(p, 'effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
    const set = unique.get(effect) ?? new Set<string>();
    if (set.has(k)) {
      errs.push({ ...fieldErr.duplicate(p, t), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    set.add(k);
    unique.set(effect, set);
  });
  return errs;
}
function validateNodeResources(node: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const status = obj(node.status);
  for (const which of ['capacity', 'allocatable']) {
    for (const [k, v] of Object.entries(obj(status[which]))) {
      const q = parseQuantity(v);
      if (q !== undefined && q < 0) errs.push(fieldErr.invalid(`status.${which}.${k}`, quantityString(v), 'must be greater than or equal to 0'));
    }
  }
  return errs;
}
export function validateNode(node: Obj): FieldError[] {
  const errs = validateObjectMeta(node.metadata, false, nameIsDNSSubdomain);
  const spec = obj(node.spec);
  if (arr(spec.taints).length) errs.push(...validateNodeTaints(spec.taints, 'metadata.taints'));
  errs.push(...validateNodeResources(node));
  const cidrs = strArr(spec.podCIDRs);
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(`spec.podCIDRs[${i}]`, c)));
  return errs;
}
export function validateNodeUpdate(node: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  errs.push(...validateNodeResources(node));
  const spec = obj(node.spec);
  const ospec = obj(old.spec);
  const oc = strArr(ospec.podCIDRs);
  const nc = strArr(spec.podCIDRs);
  if (oc.length > 0) {
    if (oc.length !== nc.length) errs.push(fieldErr.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
    else oc.forEach((c, i) => {
      if (c !== nc[i]) errs.push(fieldErr.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
    });
  }
  if (str(ospec.providerID) && str(ospec.providerID) !== str(spec.providerID)) {
    errs.push(fieldErr.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if (arr(spec.taints).length) errs.push(...validateNodeTaints(spec.taints, 'metadata.taints'));
  if (str(spec.externalID) !== str(ospec.externalID)) errs.push(fieldErr.forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

// ---------------- ServiceAccount ----------------
export function validateServiceAccount(sa: Obj): FieldError[] {
  return validateObjectMeta(sa.metadata, true, nameIsDNSSubdomain);
}

// ---------------- Endpoints ----------------
export function validateEndpoints(ep: Obj): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, true, nameIsDNSSubdomain);
  arr(ep.subsets).map(obj).forEach((ss, i) => {
    const p = `subsets[${i}]`;
    const addrs = arr(ss.addresses).map(obj);
    const nr = arr(ss.notReadyAddresses).map(obj);
    if (addrs.length === 0 && nr.length === 0) errs.push(fieldErr.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    const addr = (a: Obj, ap: string) => {
      errs.push(...isValidIP(child(ap, 'ip'), str(a.ip)));
      if (str(a.hostname)) errs.push(...validateDNS1123Label(str(a.hostname), child(ap, 'hostname')));
      if (typeof a.nodeName === 'string') errs.push(...validateNameWith(nameIsDNSSubdomain, a.nodeName, child(ap, 'nodeName')));
      errs.push(...validateNonSpecialIP(str(a.ip), child(ap, 'ip')));
    };
    addrs.forEach((a, j) => addr(a, `${p}.addresses[${j}]`));
    nr.forEach((a, j) => addr(a, `${p}.notReadyAddresses[${j}]`));
    const ports = arr(ss.ports).map(obj);
    ports.forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      const name = str(port.name);
      if (ports.length > 1 && !name) errs.push(fieldErr.required(child(pp, 'name'), ''));
      else if (name) errs.push(...validateDNS1123Label(name, child(pp, 'name')));
      const n = num(port.port) ?? 0;
      for (const m of isValidPortNum(n)) errs.push(fieldErr.invalid(child(pp, 'port'), n, m));
      const proto = str(port.protocol);
      if (isSet(port.protocol) && !proto) errs.push(fieldErr.required(child(pp, 'protocol'), ''));
      else if (proto && !PROTOCOLS.includes(proto)) errs.push(fieldErr.notSupported(child(pp, 'protocol'), proto, PROTOCOLS));
      if (typeof port.appProtocol === 'string') errs.push(...validateQualifiedName(port.appProtocol, child(pp, 'appProtocol')));
    });
  });
  return errs;
}

// ---------------- PersistentVolume / Claim ----------------
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cinder', 'cephfs', 'fc', 'flocker',
  'flexVolume', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi', 'iscsi',
];

function validateAccessModes(modes: string[], fld: string): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) errs.push(fieldErr.notSupported(fld, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(fieldErr.forbidden(fld, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

export function validatePersistentVolume(pv: Obj): FieldError[] {
  const errs = validateObjectMeta(pv.metadata, false, validatePathSegmentName);
  const spec = obj(pv.spec);
  const modes = strArr(spec.accessModes);
  if (modes.length === 0) errs.push(fieldErr.required('spec.accessModes', ''));
  errs.push(...validateAccessModes(modes, 'spec.accessModes'));
  const cap = obj(spec.capacity);
  if (Object.keys(cap).length === 0) errs.push(fieldErr.required('spec.capacity', ''));
  if (!('storage' in cap) || Object.keys(cap).length > 1) errs.push(fieldErr.notSupported('spec.capacity', sortedMap(strMap(cap)), ['storage']));
  for (const [k, v] of Object.entries(cap)) {
    const q = parseQuantity(v) ?? 0;
    if (q < 0) errs.push(fieldErr.invalid(key('spec.capacity', k), q, 'must be a valid resource quantity'));
    if (q <= 0) errs.push(fieldErr.invalid(key('spec.capacity', k), quantityString(v), 'must be greater than zero'));
  }
  const rp = str(spec.persistentVolumeReclaimPolicy);
  if (rp && !['Delete', 'Recycle', 'Retain'].includes(rp)) errs.push(fieldErr.notSupported('spec.persistentVolumeReclaimPolicy', rp, ['Delete', 'Recycle', 'Retain']));
  if (typeof spec.storageClassName === 'string' && spec.storageClassName) {
    errs.push(...validateNameWith(nameIsDNSSubdomain, spec.storageClassName, 'spec.storageClassName'));
  }
  const vm = spec.volumeMode;
  if (isSet(vm) && !['Block', 'Filesystem'].includes(str(vm))) errs.push(fieldErr.notSupported('spec.volumeMode', str(vm), ['Block', 'Filesystem']));
  let n = 0;
  for (const s of PV_SOURCES) {
    if (!isSet(spec[s])) continue;
    if (n > 0) errs.push(fieldErr.forbidden(`spec.${s}`, 'may not specify more than 1 volume type'));
    else n++;
  }
  if (n === 0) errs.push(fieldErr.required('spec', 'must specify a volume type'));
  return errs;
}

export function validatePersistentVolumeUpdate(pv: Obj, old: Obj): FieldError[] {
  const errs = validatePersistentVolume(pv);
  errs.push(...validateObjectMetaUpdate(pv.metadata, old.metadata));
  const spec = obj(pv.spec);
  const ospec = obj(old.spec);
  for (const s of PV_SOURCES) {
    if (!deepEqual(spec[s], ospec[s]) && isSet(ospec[s])) {
      errs.push(fieldErr.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is forbidden.'));
      break;
    }
  }
  errs.push(...validateImmutableField(spec.volumeMode, ospec.volumeMode, 'volumeMode'));
  return errs;
}

export function validatePersistentVolumeClaimSpec(spec: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const modes = strArr(spec.accessModes);
  if (modes.length === 0) errs.push(fieldErr.required(child(fld, 'accessModes'), 'at least 1 access mode is required'));
  if (isObj(spec.selector)) errs.push(...validateLabelSelector(spec.selector, child(fld, 'selector')));
  errs.push(...validateAccessModes(modes, child(fld, 'accessModes')));
  const requests = obj(obj(spec.resources).requests);
  const sp = key(child(fld, 'resources'), 'storage');
  if (!('storage' in requests)) errs.push(fieldErr.required(sp, ''));
  else {
    const q = parseQuantity(requests.storage);
    if (q === undefined || q <= 0) errs.push(fieldErr.invalid(sp, quantityString(requests.storage), 'must be greater than zero'));
  }
  if (typeof spec.storageClassName === 'string' && spec.storageClassName) {
    errs.push(...validateNameWith(nameIsDNSSubdomain, spec.storageClassName, child(fld, 'storageClassName')));
  }
  const vm = spec.volumeMode;
  if (isSet(vm) && !['Block', 'Filesystem'].includes(str(vm))) errs.push(fieldErr.notSupported(child(fld, 'volumeMode'), str(vm), ['Block', 'Filesystem']));
  return errs;
}

export function validatePersistentVolumeClaim(pvc: Obj): FieldError[] {
  const errs = validateObjectMeta(pvc.metadata, true, nameIsDNSSubdomain);
  errs.push(...validatePersistentVolumeClaimSpec(obj(pvc.spec), 'spec'));
  return errs;
}

export function validatePersistentVolumeClaimUpdate(pvc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(pvc.metadata, old.metadata);
  errs.push(...validatePersistentVolumeClaim(pvc));
  const spec = { ...obj(pvc.spec) };
  const ospec = { ...obj(old.spec) };
  if (!str(ospec.volumeName)) ospec.volumeName = spec.volumeName;
  if (!isSet(ospec.storageClassName) && isSet(spec.storageClassName)) ospec.storageClassName = spec.storageClassName;
  const bound = str(obj(pvc.status).phase) === 'Bound';
  const cmpSpec = { ...spec };
  if (bound) {
    cmpSpec.resources = { ...obj(spec.resources), requests: { ...obj(obj(spec.resources).requests), storage: obj(obj(ospec.resources).requests).storage } };
    cmpSpec.volumeAttributesClassName = ospec.volumeAttributesClassName;
  }
  if (!deepEqual(cmpSpec, ospec)) {
    errs.push(fieldErr.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'));
  }
  const ns = parseQuantity(obj(obj(spec.resources).requests).storage) ?? 0;
  const os = parseQuantity(obj(obj(ospec.resources).requests).storage) ?? 0;
  if (ns < os) errs.push(fieldErr.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  errs.push(...validateImmutableField(spec.volumeMode, obj(old.spec).volumeMode, 'volumeMode'));
  return errs;
}

// ---------------- Event (core/v1) ----------------
export function validateEventCreate(ev: Obj, group: string): FieldError[] {
  const errs: FieldError[] = [];
  const meta = obj(ev.metadata);
  const ns = str(meta.namespace);
  if (group === 'events.k8s.io') {
    // events.k8s.io/v1 shape: regarding, note, reportingController, ...
    const regarding = obj(ev.regarding);
    const eventTime = ev.eventTime;
    const rns = str(regarding.namespace);
    if (!eventTime) {
      if (!rns) {
        if (ns !== '' && ns !== 'default') errs.push(fieldErr.invalid('involvedObject.namespace', rns, 'does not match event.namespace'));
      } else if (ns !== rns) errs.push(fieldErr.invalid('involvedObject.namespace', rns, 'does not match event.namespace'));
    } else {
      if (!rns && ns !== 'default' && ns !== 'kube-system') errs.push(fieldErr.invalid('involvedObject.namespace', rns, 'does not match event.namespace'));
      const rc = str(ev.reportingController);
      if (!rc) errs.push(fieldErr.required('reportingController', ''));
      errs.push(...validateQualifiedName(rc, 'reportingController'));
      const ri = str(ev.reportingInstance);
      if (!ri) errs.push(fieldErr.required('reportingInstance', ''));
      if (ri.length > 128) errs.push(fieldErr.invalid('reportingInstance', '', 'can have at most 128 characters'));
      const action = str(ev.action);
      if (!action) errs.push(fieldErr.required('action', ''));
      if (action.length > 128) errs.push(fieldErr.invalid('action', '', 'can have at most 128 characters'));
      const reason = str(ev.reason);
      if (!reason) errs.push(fieldErr.required('reason', ''));
      if (reason.length > 128) errs.push(fieldErr.invalid('reason', '', 'can have at most 128 characters'));
      if (str(ev.note).length > 1024) errs.push(fieldErr.invalid('message', '', 'can have at most 1024 characters'));
    }
    for (const m of validateDNS1123Subdomain(ns, 'namespace')) errs.push(m);
    errs.push(...validateObjectMeta(ev.metadata, true, nameIsDNSSubdomain));
    return errs;
  }
  const io = obj(ev.involvedObject);
  const ions = str(io.namespace);
  const eventTime = ev.eventTime;
  if (!eventTime) {
    if (!ions) {
      if (ns !== '' && ns !== 'default') errs.push(fieldErr.invalid('involvedObject.namespace', ions, 'does not match event.namespace'));
    } else if (ns !== ions) {
      errs.push(fieldErr.invalid('involvedObject.namespace', ions, 'does not match event.namespace'));
    }
  } else {
    if (!ions && ns !== 'default' && ns !== 'kube-system') errs.push(fieldErr.invalid('involvedObject.namespace', ions, 'does not match event.namespace'));
    const rc = str(ev.reportingComponent);
    if (!rc) errs.push(fieldErr.required('reportingComponent', ''));
    errs.push(...validateQualifiedName(rc, 'reportingComponent'));
    const ri = str(ev.reportingInstance);
    if (!ri) errs.push(fieldErr.required('reportingInstance', ''));
    if (ri.length > 128) errs.push(fieldErr.invalid('reportingInstance', '', 'can have at most 128 characters'));
    const action = str(ev.action);
    if (!action) errs.push(fieldErr.required('action', ''));
    if (action.length > 128) errs.push(fieldErr.invalid('action', '', 'can have at most 128 characters'));
    const reason = str(ev.reason);
    if (!reason) errs.push(fieldErr.required('reason', ''));
    if (reason.length > 128) errs.push(fieldErr.invalid('reason', '', 'can have at most 128 characters'));
    if (str(ev.message).length > 1024) errs.push(fieldErr.invalid('message', '', 'can have at most 1024 characters'));
  }
  errs.push(...validateDNS1123Subdomain(ns, 'namespace'));
  return errs;
}

// ---------------- ReplicationController / PodTemplate / LimitRange / ResourceQuota ----------------
export function validateReplicationController(rc: Obj): FieldError[] {
  const errs = validateObjectMeta(rc.metadata, true, nameIsDNSSubdomain);
  errs.push(...rcSpec(obj(rc.spec)));
  return errs;
}
function rcSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds), 'spec.minReadySeconds'));
  const selector = strMap(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(fieldErr.required('spec.selector', ''));
  errs.push(...validateNonnegativeField(num(spec.replicas), 'spec.replicas'));
  const tmpl = optObj(spec.template);
  if (!tmpl) errs.push(fieldErr.required('spec.template', ''));
  else {
    const labels = strMap(obj(tmpl.metadata).labels);
    if (Object.keys(selector).length > 0 && !mapSelectorMatches(selector, labels)) {
      errs.push(fieldErr.invalid('spec.template.metadata.labels', sortedMap(labels), '`selector` does not match template `labels`'));
    }
    errs.push(...validatePodTemplateSpec(tmpl, 'spec.template'));
    const rp = str(obj(tmpl.spec).restartPolicy);
    if (rp && rp !== 'Always') errs.push(fieldErr.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
    if (isSet(obj(tmpl.spec).activeDeadlineSeconds)) {
      errs.push(fieldErr.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
    }
  }
  return errs;
}
export function validateReplicationControllerUpdate(rc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(rc.metadata, old.metadata);
  errs.push(...rcSpec(obj(rc.spec)));
  return errs;
}
export function validatePodTemplate(pt: Obj): FieldError[] {
  const errs = validateObjectMeta(pt.metadata, true, nameIsDNSSubdomain);
  errs.push(...validatePodTemplateSpec(pt.template, 'template'));
  return errs;
}
export function validatePodTemplateUpdate(pt: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(pt.metadata, old.metadata);
  errs.push(...validatePodTemplateSpec(pt.template, 'template'));
  return errs;
}
export function validateResourceQuota(rq: Obj): FieldError[] {
  const errs = validateObjectMeta(rq.metadata, true, nameIsDNSSubdomain);
  for (const [k, v] of Object.entries(obj(obj(rq.spec).hard))) {
    const q = parseQuantity(v);
    if (q !== undefined && q < 0) errs.push(fieldErr.invalid(key('spec.hard', k), quantityString(v), 'must be greater than or equal to 0'));
  }
  return errs;
}
export function validateLimitRange(lr: Obj): FieldError[] {
  const errs = validateObjectMeta(lr.metadata, true, nameIsDNSSubdomain);
  const seen = new Set<string>();
  arr(obj(lr.spec).limits).map(obj).forEach((l, i) => {
    const t = str(l.type);
    const p = `spec.limits[${i}]`;
    for (const m of isQualifiedName(t)) errs.push(fieldErr.invalid(child(p, 'type'), t, m));
    if (!t.includes('/') && !['Pod', 'Container', 'PersistentVolumeClaim'].includes(t) && isQualifiedName(t).length === 0) {
      errs.push(fieldErr.invalid(child(p, 'type'), t, 'must be a standard limit type or fully qualified'));
    }
    if (seen.has(t)) errs.push(fieldErr.duplicate(child(p, 'type'), t));
    seen.add(t);
    if (t === 'Pod') {
      if (Object.keys(obj(l.default)).length) errs.push(fieldErr.forbidden(child(p, 'default'), "may not be specified when `type` is 'Pod'"));
      if (Object.keys(obj(l.defaultRequest)).length) errs.push(fieldErr.forbidden(child(p, 'defaultRequest'), "may not be specified when `type` is 'Pod'"));
    }
  });
  return errs;
}
