// Validation for the non-workload API groups: rbac, networking, autoscaling, policy, storage, scheduling,
// coordination, certificates, admissionregistration, discovery.
import { fieldErr, type FieldError } from '../../api/field-errors.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { validateNonSpecialIP } from './core.js';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from './apps.js';
import {
  arr, deepEqual, index, isDNS1035Label, isDNS1123Subdomain, isIP, isObj, isSet, isValidCIDR,
  isValidPathSegmentName, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain, labelSelectorAsSelector, nameIsDNS1035Label,
  nameIsDNSSubdomain, noNameValidation, num, obj, parseIPv4, str, strArr, validateDNS1123Label,
  validateImmutableField, validateLabelSelector, validateNameWith, validatePathSegmentName, validateQualifiedName, isDNS1123Label,
  type Obj,
} from './util.js';

// ---------------- RBAC ----------------
const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validatePolicyRule(rule: Obj, namespaced: boolean, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  if (strArr(rule.verbs).length === 0) errs.push(fieldErr.required(`${fld}.verbs`, 'verbs must contain at least one value'));
  const nru = strArr(rule.nonResourceURLs);
  if (nru.length > 0) {
    if (namespaced) errs.push(fieldErr.invalid(`${fld}.nonResourceURLs`, nru, 'namespaced rules cannot apply to non-resource URLs'));
    if (strArr(rule.apiGroups).length > 0 || strArr(rule.resources).length > 0 || strArr(rule.resourceNames).length > 0) {
      errs.push(fieldErr.invalid(`${fld}.nonResourceURLs`, nru, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (strArr(rule.apiGroups).length === 0) errs.push(fieldErr.required(`${fld}.apiGroups`, 'resource rules must supply at least one api group'));
  if (strArr(rule.resources).length === 0) errs.push(fieldErr.required(`${fld}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRole(role: Obj, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(role.metadata, namespaced, validatePathSegmentName);
  arr(role.rules).forEach((r, i) => errs.push(...validatePolicyRule(obj(r), namespaced, `rules[${i}]`)));
  if (!namespaced && isObj(role.aggregationRule)) {
    const sels = arr(role.aggregationRule.clusterRoleSelectors);
    if (sels.length === 0) errs.push(fieldErr.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    sels.forEach((s, i) => {
      const p = `aggregationRule.clusterRoleSelectors[${i}]`;
      errs.push(...validateLabelSelector(s, p));
      if (!labelSelectorAsSelector(s)) errs.push(fieldErr.invalid(p, s, 'invalid label selector.'));
    });
  }
  return errs;
}
export function validateRoleUpdate(role: Obj, old: Obj, namespaced: boolean): FieldError[] {
  return [...validateRole(role, namespaced), ...validateObjectMetaUpdate(role.metadata, old.metadata)];
}

function validateSubject(s: Obj, namespaced: boolean, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s.name);
  if (!name) errs.push(fieldErr.required(`${fld}.name`, ''));
  const kind = str(s.kind);
  const apiGroup = str(s.apiGroup);
  switch (kind) {
    case 'ServiceAccount':
      if (name) errs.push(...validateNameWith(nameIsDNSSubdomain, name, `${fld}.name`));
      if (apiGroup) errs.push(fieldErr.notSupported(`${fld}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !str(s.namespace)) errs.push(fieldErr.required(`${fld}.namespace`, ''));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(fieldErr.notSupported(`${fld}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(fieldErr.notSupported(`${fld}.kind`, kind, ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

export function validateRoleBinding(rb: Obj, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(rb.metadata, namespaced, validatePathSegmentName);
  const ref = obj(rb.roleRef);
  if (str(ref.apiGroup) !== RBAC_GROUP) errs.push(fieldErr.notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(fieldErr.notSupported('roleRef.kind', str(ref.kind), kinds));
  const name = str(ref.name);
  if (!name) errs.push(fieldErr.required('roleRef.name', ''));
  else for (const m of isValidPathSegmentName(name)) errs.push(fieldErr.invalid('roleRef.name', name, m));
  arr(rb.subjects).forEach((s, i) => errs.push(...validateSubject(obj(s), namespaced, `subjects[${i}]`)));
  return errs;
}
export function validateRoleBindingUpdate(rb: Obj, old: Obj, namespaced: boolean): FieldError[] {
  const errs = [...validateRoleBinding(rb, namespaced), ...validateObjectMetaUpdate(rb.metadata, old.metadata)];
  const n = obj(rb.roleRef);
  const o = obj(old.roleRef);
  if (str(n.apiGroup) !== str(o.apiGroup) || str(n.kind) !== str(o.kind) || str(n.name) !== str(o.name)) {
    errs.push(fieldErr.invalid('roleRef', { APIGroup: str(n.apiGroup), Kind: str(n.kind), Name: str(n.name) }, 'cannot change roleRef'));
  }
  return errs;
}

// ---------------- Ingress / IngressClass / NetworkPolicy ----------------
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validateIngressBackend(b: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const hasRes = isSet(b.resource);
  const hasSvc = isSet(b.service);
  if (hasRes && hasSvc) return [fieldErr.invalid(fld, '', 'cannot set both resource and service backends')];
  if (hasRes) {
    const r = obj(b.resource);
    if (!str(r.kind)) errs.push(fieldErr.required(`${fld}.resource.kind`, ''));
    if (!str(r.name)) errs.push(fieldErr.required(`${fld}.resource.name`, ''));
    if (typeof r.apiGroup === 'string' && r.apiGroup) {
      for (const m of isDNS1123Subdomain(r.apiGroup)) errs.push(fieldErr.invalid(`${fld}.resource.apiGroup`, r.apiGroup, m));
    }
    return errs;
  }
  if (hasSvc) {
    const s = obj(b.service);
    const name = str(s.name);
    if (!name) errs.push(fieldErr.required(`${fld}.service.name`, ''));
    else for (const m of nameIsDNS1035Label(name, false)) errs.push(fieldErr.invalid(`${fld}.service.name`, name, m));
    const port = obj(s.port);
    const pn = str(port.name);
    const pnum = num(port.number) ?? 0;
    if (pn && pnum !== 0) errs.push(fieldErr.invalid(fld, '', 'cannot set both port name & port number'));
    else if (pn) for (const m of isValidPortName(pn)) errs.push(fieldErr.invalid(`${fld}.service.port.name`, pn, m));
    else if (pnum !== 0) for (const m of isValidPortNum(pnum)) errs.push(fieldErr.invalid(`${fld}.service.port.number`, pnum, m));
    else errs.push(fieldErr.required(fld, 'port name or number is required'));
    return errs;
  }
  return [fieldErr.invalid(fld, '', 'resource or service backend is required')];
}

function validateIngressSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const rules = arr(spec.rules).map(obj);
  if (rules.length === 0 && !isSet(spec.defaultBackend)) errs.push(fieldErr.invalid('spec', null, 'either `defaultBackend` or `rules` must be specified'));
  if (isObj(spec.defaultBackend)) errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((r, i) => {
    const p = `spec.rules[${i}]`;
    const host = str(r.host);
    if (host) {
      if (isIP(host)) errs.push(fieldErr.invalid(`${p}.host`, host, 'must be a DNS name, not an IP address'));
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const m of msgs) errs.push(fieldErr.invalid(`${p}.host`, host, m));
    }
    if (isObj(r.http)) {
      const paths = arr(r.http.paths).map(obj);
      if (paths.length === 0) errs.push(fieldErr.required(`${p}.http.paths`, ''));
      paths.forEach((hp, j) => {
        const pp = `${p}.http.paths[${j}]`;
        if (!isSet(hp.pathType)) {
          errs.push(fieldErr.required(`${pp}.pathType`, 'pathType must be specified'));
          return;
        }
        const pt = str(hp.pathType);
        const path = str(hp.path);
        if (pt === 'Exact' || pt === 'Prefix') {
          if (!path.startsWith('/')) errs.push(fieldErr.invalid(`${pp}.path`, path, 'must be an absolute path'));
          if (path) {
            for (const s of INVALID_PATH_SEQUENCES) if (path.includes(s)) errs.push(fieldErr.invalid(`${pp}.path`, path, `must not contain '${s}'`));
            for (const s of INVALID_PATH_SUFFIXES) if (path.endsWith(s)) errs.push(fieldErr.invalid(`${pp}.path`, path, `cannot end with '${s}'`));
          }
        } else if (pt === 'ImplementationSpecific') {
          if (path && !path.startsWith('/')) errs.push(fieldErr.invalid(`${pp}.path`, path, 'must be an absolute path'));
        } else {
          errs.push(fieldErr.notSupported(`${pp}.pathType`, pt, ['Exact', 'ImplementationSpecific', 'Prefix']));
        }
        errs.push(...validateIngressBackend(obj(hp.backend), `${pp}.backend`));
      });
    }
  });
  arr(spec.tls).map(obj).forEach((t, i) => {
    strArr(t.hosts).forEach((h, j) => {
      const msgs = h.includes('*') ? isWildcardDNS1123Subdomain(h) : isDNS1123Subdomain(h);
      for (const m of msgs) errs.push(fieldErr.invalid(`spec.tls[${i}].hosts[${j}]`, h, m));
    });
    const sn = str(t.secretName);
    if (sn) for (const m of nameIsDNSSubdomain(sn, false)) errs.push(fieldErr.invalid(`spec.tls[${i}].secretName`, sn, m));
  });
  if (typeof spec.ingressClassName === 'string') errs.push(...validateNameWith(nameIsDNSSubdomain, spec.ingressClassName, 'spec.ingressClassName'));
  return errs;
}
export function validateIngress(ing: Obj): FieldError[] {
  const errs = validateObjectMeta(ing.metadata, true, nameIsDNSSubdomain);
  const spec = obj(ing.spec);
  errs.push(...validateIngressSpec(spec));
  const ann = obj(obj(ing.metadata).annotations);
  const cls = ann['kubernetes.io/ingress.class'];
  if (typeof cls === 'string' && typeof spec.ingressClassName === 'string' && cls !== spec.ingressClassName) {
    errs.push(fieldErr.invalid('annotations.kubernetes.io/ingress.class', cls, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}
export function validateIngressUpdate(ing: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(ing.metadata, old.metadata), ...validateIngressSpec(obj(ing.spec))];
}
export function validateIngressClass(ic: Obj): FieldError[] {
  const errs = validateObjectMeta(ic.metadata, false, nameIsDNSSubdomain);
  const ctrl = str(obj(ic.spec).controller);
  if (!ctrl) errs.push(fieldErr.required('spec.controller', ''));
  else if (ctrl.length > 250) errs.push(fieldErr.tooLong('spec.controller', '', 250));
  return errs;
}
export function validateIngressClassUpdate(ic: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(ic.metadata, old.metadata);
  errs.push(...validateImmutableField(str(obj(ic.spec).controller), str(obj(old.spec).controller), 'spec.controller'));
  return errs;
}

function validateNetworkPolicyPort(port: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(port.protocol)) {
    const p = str(port.protocol);
    if (!['TCP', 'UDP', 'SCTP'].includes(p)) errs.push(fieldErr.notSupported(`${fld}.protocol`, p, ['TCP', 'UDP', 'SCTP']));
  }
  const endPort = num(port.endPort);
  if (typeof port.port === 'number') {
    for (const m of isValidPortNum(port.port)) errs.push(fieldErr.invalid(`${fld}.port`, port.port, m));
    if (endPort !== undefined) {
      if (endPort < port.port) errs.push(fieldErr.invalid(`${fld}.endPort`, port.port, 'must be greater than or equal to `port`'));
      for (const m of isValidPortNum(endPort)) errs.push(fieldErr.invalid(`${fld}.endPort`, endPort, m));
    }
  } else if (typeof port.port === 'string') {
    if (endPort !== undefined) errs.push(fieldErr.invalid(`${fld}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
    for (const m of isValidPortName(port.port)) errs.push(fieldErr.invalid(`${fld}.port`, port.port, m));
  } else if (endPort !== undefined) {
    errs.push(fieldErr.invalid(`${fld}.endPort`, endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}
function validateNetworkPolicyPeer(peer: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (isSet(peer.podSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, `${fld}.podSelector`));
  }
  if (isSet(peer.namespaceSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${fld}.namespaceSelector`));
  }
  if (isObj(peer.ipBlock)) {
    n++;
    const cidr = str(peer.ipBlock.cidr);
    if (!cidr) errs.push(fieldErr.required(`${fld}.ipBlock.cidr`, ''));
    else errs.push(...isValidCIDR(`${fld}.ipBlock.cidr`, cidr));
    strArr(peer.ipBlock.except).forEach((e, i) => errs.push(...isValidCIDR(`${fld}.ipBlock.except[${i}]`, e)));
  }
  if (n === 0) errs.push(fieldErr.required(fld, 'must specify a peer'));
  else if (n > 1 && isSet(peer.ipBlock)) errs.push(fieldErr.forbidden(fld, 'may not specify both ipBlock and another peer'));
  return errs;
}
function validateNetworkPolicySpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(spec.podSelector, 'spec.podSelector'));
  for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    arr(spec[dir]).map(obj).forEach((rule, i) => {
      const p = `spec.${dir}[${i}]`;
      arr(rule.ports).forEach((port, j) => errs.push(...validateNetworkPolicyPort(obj(port), `${p}.ports[${j}]`)));
      arr(rule[peers]).forEach((peer, j) => errs.push(...validateNetworkPolicyPeer(obj(peer), `${p}.${peers}[${j}]`)));
    });
  }
  const types = strArr(spec.policyTypes);
  if (types.length > 2) {
    errs.push(fieldErr.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(fieldErr.notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  return errs;
}
export function validateNetworkPolicy(np: Obj): FieldError[] {
  return [...validateObjectMeta(np.metadata, true, nameIsDNSSubdomain), ...validateNetworkPolicySpec(obj(np.spec))];
}
export function validateNetworkPolicyUpdate(np: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(np.metadata, old.metadata), ...validateNetworkPolicySpec(obj(np.spec))];
}

// ---------------- HPA ----------------
function validateCrossVersionObjectReference(ref: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const kind = str(ref.kind);
  if (!kind) errs.push(fieldErr.required(`${fld}.kind`, ''));
  else for (const m of isValidPathSegmentName(kind)) errs.push(fieldErr.invalid(`${fld}.kind`, kind, m));
  const name = str(ref.name);
  if (!name) errs.push(fieldErr.required(`${fld}.name`, ''));
  else for (const m of isValidPathSegmentName(name)) errs.push(fieldErr.invalid(`${fld}.name`, name, m));
  return errs;
}
function hpaSpec(spec: Obj, version: string): FieldError[] {
  const errs: FieldError[] = [];
  const min = num(spec.minReplicas);
  const max = num(spec.maxReplicas) ?? 0;
  if (min !== undefined && min < 1) errs.push(fieldErr.invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(fieldErr.invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(fieldErr.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(obj(spec.scaleTargetRef), 'spec.scaleTargetRef'));
  if (version === 'v1') {
    const t = num(spec.targetCPUUtilizationPercentage);
    if (t !== undefined && t < 1) errs.push(fieldErr.invalid('spec.metrics[0].resource.target.averageUtilization', t, 'must be greater than 0'));
  } else {
    arr(spec.metrics).map(obj).forEach((m, i) => {
      const p = `spec.metrics[${i}]`;
      const type = str(m.type);
      const types = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
      if (!type) errs.push(fieldErr.required(`${p}.type`, 'must specify a metric source type'));
      else if (!types.includes(type)) errs.push(fieldErr.notSupported(`${p}.type`, type, types));
      if (type === 'Resource') {
        const r = obj(m.resource);
        if (!str(r.name)) errs.push(fieldErr.required(`${p}.resource.name`, 'must specify a resource name'));
        const tg = obj(r.target);
        const u = num(tg.averageUtilization);
        if (u !== undefined && u < 1) errs.push(fieldErr.invalid(`${p}.resource.target.averageUtilization`, u, 'must be greater than 0'));
      }
    });
  }
  return errs;
}
export function validateHPA(hpa: Obj, version: string): FieldError[] {
  return [...validateObjectMeta(hpa.metadata, true, nameIsDNSSubdomain), ...hpaSpec(obj(hpa.spec), version)];
}
export function validateHPAUpdate(hpa: Obj, old: Obj, version: string): FieldError[] {
  return [...validateObjectMetaUpdate(hpa.metadata, old.metadata), ...hpaSpec(obj(hpa.spec), version)];
}

// ---------------- PodDisruptionBudget ----------------
function pdbSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) errs.push(fieldErr.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  for (const f of ['minAvailable', 'maxUnavailable']) {
    if (!isSet(spec[f])) continue;
    errs.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`));
    errs.push(...isNotMoreThan100Percent(spec[f], `spec.${f}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  if (isSet(spec.unhealthyPodEvictionPolicy)) {
    const p = str(spec.unhealthyPodEvictionPolicy);
    if (p !== 'AlwaysAllow' && p !== 'IfHealthyBudget') errs.push(fieldErr.notSupported('spec.unhealthyPodEvictionPolicy', p, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}
export function validatePDB(pdb: Obj): FieldError[] {
  return [...validateObjectMeta(pdb.metadata, true, nameIsDNSSubdomain), ...pdbSpec(obj(pdb.spec))];
}
export function validatePDBUpdate(pdb: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(pdb.metadata, old.metadata), ...pdbSpec(obj(pdb.spec))];
}

// ---------------- StorageClass ----------------
export function validateStorageClass(sc: Obj): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, false, nameIsDNSSubdomain);
  const prov = str(sc.provisioner);
  if (!prov) errs.push(fieldErr.required('provisioner', prov));
  else errs.push(...validateQualifiedName(prov.toLowerCase(), 'provisioner'));
  const params = obj(sc.parameters);
  const keys = Object.keys(params);
  if (keys.length > 512) errs.push(fieldErr.tooLong('parameters', '', 512));
  else {
    let total = 0;
    for (const k of keys) {
      if (k.length < 1) errs.push(fieldErr.invalid('parameters', k, 'field can not be empty.'));
      total += Buffer.byteLength(k) + Buffer.byteLength(str(params[k]));
    }
    if (total > 256 * 1024) errs.push(fieldErr.tooLong('parameters', '', 256 * 1024));
  }
  const rp = str(sc.reclaimPolicy);
  if (rp && rp !== 'Delete' && rp !== 'Retain') errs.push(fieldErr.notSupported('reclaimPolicy', rp, ['Delete', 'Retain']));
  const vbm = str(sc.volumeBindingMode);
  if (vbm && vbm !== 'Immediate' && vbm !== 'WaitForFirstConsumer') errs.push(fieldErr.notSupported('volumeBindingMode', vbm, ['Immediate', 'WaitForFirstConsumer']));
  return errs;
}
export function validateStorageClassUpdate(sc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(sc.metadata, old.metadata);
  if (!deepEqual(sc.parameters, old.parameters)) errs.push(fieldErr.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (str(sc.provisioner) !== str(old.provisioner)) errs.push(fieldErr.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (str(sc.reclaimPolicy || 'Delete') !== str(old.reclaimPolicy || 'Delete')) errs.push(fieldErr.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}

// ---------------- PriorityClass ----------------
const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };
export function validatePriorityClass(pc: Obj): FieldError[] {
  const errs = validateObjectMeta(pc.metadata, false, nameIsDNSSubdomain);
  const name = str(obj(pc.metadata).name);
  const value = num(pc.value) ?? 0;
  if (name.startsWith('system-')) {
    const known = SYSTEM_PRIORITY_CLASSES[name];
    let err = '';
    if (known === undefined) err = `${name} is not a known system priority class`;
    else if (known !== value) err = `value of ${name} PriorityClass must be ${known}`;
    else if (pc.globalDefault === true) err = `globalDefault of ${name} PriorityClass must be false`;
    if (err) errs.push(fieldErr.forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${err}`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(fieldErr.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (isSet(pc.preemptionPolicy)) {
    const p = str(pc.preemptionPolicy);
    if (!p) errs.push(fieldErr.required('preemptionPolicy', ''));
    else if (p !== 'PreemptLowerPriority' && p !== 'Never') errs.push(fieldErr.notSupported('preemptionPolicy', p, ['PreemptLowerPriority', 'Never']));
  }
  return errs;
}
export function validatePriorityClassUpdate(pc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(pc.metadata, old.metadata);
  if ((num(pc.value) ?? 0) !== (num(old.value) ?? 0)) errs.push(fieldErr.forbidden('value', 'may not be changed in an update.'));
  errs.push(...validateImmutableField(pc.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy'));
  return errs;
}

// ---------------- Lease ----------------
function leaseSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const d = num(spec.leaseDurationSeconds);
  if (d !== undefined && d <= 0) errs.push(fieldErr.invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  const t = num(spec.leaseTransitions);
  if (t !== undefined && t < 0) errs.push(fieldErr.invalid('spec.leaseTransitions', t, 'must be greater than or equal to 0'));
  return errs;
}
export function validateLease(l: Obj): FieldError[] {
  return [...validateObjectMeta(l.metadata, true, nameIsDNSSubdomain), ...leaseSpec(obj(l.spec))];
}
export function validateLeaseUpdate(l: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(l.metadata, old.metadata), ...leaseSpec(obj(l.spec))];
}

// ---------------- CertificateSigningRequest ----------------
const KEY_USAGES = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only',
  'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement',
  'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing', 'timestamping',
];
export function validateCSR(csr: Obj): FieldError[] {
  const errs = validateObjectMeta(csr.metadata, false, noNameValidation);
  const spec = obj(csr.spec);
  const req = Buffer.from(str(spec.request), 'base64').toString('latin1');
  if (!/-----BEGIN CERTIFICATE REQUEST-----/.test(req)) {
    errs.push(fieldErr.invalid('spec.request', `[]byte{...}`, 'PEM block type must be CERTIFICATE REQUEST'));
  }
  const usages = strArr(spec.usages);
  if (usages.length === 0) errs.push(fieldErr.required('spec.usages', ''));
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!KEY_USAGES.includes(u)) errs.push(fieldErr.notSupported(`spec.usages[${i}]`, u, KEY_USAGES));
  });
  usages.forEach((u, i) => {
    if (seen.has(u)) errs.push(fieldErr.duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  const signer = str(spec.signerName);
  if (signer === 'kubernetes.io/legacy-unknown') errs.push(fieldErr.invalid('spec.signerName', signer, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...validateSignerName(signer, 'spec.signerName'));
  const exp = num(spec.expirationSeconds);
  if (exp !== undefined && exp < 600) errs.push(fieldErr.invalid('spec.expirationSeconds', exp, 'may not specify a duration less than 600 seconds (10 minutes)'));
  return errs;
}
function validateSignerName(name: string, fld: string): FieldError[] {
  if (!name) return [fieldErr.required(fld, '')];
  const parts = name.split('/');
  if (parts.length < 2) return [fieldErr.invalid(fld, name, 'must be a fully qualified domain and path of the form \'example.com/signer-name\'')];
  const errs: FieldError[] = [];
  const domain = parts[0]!;
  if (domain.split('.').length < 2) errs.push(fieldErr.invalid(fld, domain, 'should be a domain with at least two segments separated by dots'));
  else for (const m of isDNS1123Subdomain(domain)) errs.push(fieldErr.invalid(fld, domain, m));
  return errs;
}
export function validateCSRUpdate(csr: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(csr.metadata, old.metadata);
  errs.push(...validateImmutableField(csr.spec, old.spec, 'spec'));
  return errs;
}

// ---------------- Admission webhooks ----------------
const ACCEPTED_REVIEW_VERSIONS = ['v1', 'v1beta1'];

function isFullyQualifiedName(name: string, fld: string): FieldError[] {
  if (!name) return [fieldErr.required(fld, '')];
  const e = isDNS1123Subdomain(name);
  if (e.length) return [fieldErr.invalid(fld, name, e.join(','))];
  if (name.split('.').length < 3) return [fieldErr.invalid(fld, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

function validateRule(rule: Obj, fld: string, withOps: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (withOps) {
    const ops = strArr(rule.operations);
    if (ops.length === 0) errs.push(fieldErr.required(`${fld}.operations`, ''));
    if (ops.length > 1 && ops.includes('*')) errs.push(fieldErr.invalid(`${fld}.operations`, ops, "if '*' is present, must not specify other operations"));
    ops.forEach((o, i) => {
      if (!['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'].includes(o)) errs.push(fieldErr.notSupported(`${fld}.operations[${i}]`, o, ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE']));
    });
  }
  const groups = strArr(rule.apiGroups);
  if (groups.length === 0) errs.push(fieldErr.required(`${fld}.apiGroups`, ''));
  if (groups.length > 1 && groups.includes('*')) errs.push(fieldErr.invalid(`${fld}.apiGroups`, groups, "if '*' is present, must not specify other API groups"));
  const versions = strArr(rule.apiVersions);
  if (versions.length === 0) errs.push(fieldErr.required(`${fld}.apiVersions`, ''));
  if (versions.length > 1 && versions.includes('*')) errs.push(fieldErr.invalid(`${fld}.apiVersions`, versions, "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === '') errs.push(fieldErr.required(`${fld}.apiVersions[${i}]`, ''));
  });
  const resources = strArr(rule.resources);
  if (resources.length === 0) errs.push(fieldErr.required(`${fld}.resources`, ''));
  const resWild = new Set<string>();
  const subWild = new Set<string>();
  let dbl = false;
  let single = false;
  let plain = false;
  resources.forEach((r, i) => {
    if (r === '') {
      errs.push(fieldErr.required(`${fld}.resources[${i}]`, ''));
      return;
    }
    if (r === '*/*') dbl = true;
    if (r === '*') single = true;
    const parts = r.split('/');
    if (parts.length === 1) {
      plain = r !== '*';
      return;
    }
    const res = parts[0]!;
    const sub = parts.slice(1).join('/');
    if (resWild.has(res)) errs.push(fieldErr.invalid(`${fld}.resources[${i}]`, r, `if '${res}/*' is present, must not specify ${r}`));
    if (subWild.has(sub)) errs.push(fieldErr.invalid(`${fld}.resources[${i}]`, r, `if '*/${sub}' is present, must not specify ${r}`));
    if (sub === '*') resWild.add(res);
    if (res === '*') subWild.add(sub);
  });
  if (resources.length > 1 && dbl) errs.push(fieldErr.invalid(`${fld}.resources`, resources, "if '*/*' is present, must not specify other resources"));
  if (single && plain) errs.push(fieldErr.invalid(`${fld}.resources`, resources, "if '*' is present, must not specify other resources without subresources"));
  if (isSet(rule.scope) && !['*', 'Cluster', 'Namespaced'].includes(str(rule.scope))) {
    errs.push(fieldErr.notSupported(`${fld}.scope`, str(rule.scope), ['*', 'Cluster', 'Namespaced']));
  }
  return errs;
}

function validateWebhookURL(u: string, fld: string): FieldError[] {
  const form = '; desired format: https://host[/path]';
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(u)?.[1] ?? '';
    const errs: FieldError[] = [];
    if (scheme !== 'https') errs.push(fieldErr.invalid(fld, scheme, `'https' is the only allowed URL scheme${form}`));
    errs.push(fieldErr.invalid(fld, '', `host must be specified${form}`));
    return errs;
  }
  const errs: FieldError[] = [];
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'https') errs.push(fieldErr.invalid(fld, scheme, `'https' is the only allowed URL scheme${form}`));
  if (!url.host) errs.push(fieldErr.invalid(fld, url.host, `host must be specified${form}`));
  if (url.username || url.password) errs.push(fieldErr.invalid(fld, url.password ? `${url.username}:xxxxx` : url.username, 'user information is not permitted in the URL'));
  if (url.hash) errs.push(fieldErr.invalid(fld, url.hash.slice(1), 'fragments are not permitted in the URL'));
  if (url.search) errs.push(fieldErr.invalid(fld, url.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

function validateWebhookService(svc: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(svc.name)) errs.push(fieldErr.required(`${fld}.name`, 'service name is required'));
  if (!str(svc.namespace)) errs.push(fieldErr.required(`${fld}.namespace`, 'service namespace is required'));
  const port = num(svc.port) ?? 443;
  const pe = isValidPortNum(port);
  if (pe.length) errs.push(fieldErr.invalid(`${fld}.port`, port, `port is not valid: ${pe.join(', ')}`));
  if (typeof svc.path === 'string') {
    const p = svc.path;
    if (p === '/' || p === '') return errs;
    if (p === '//') return [...errs, fieldErr.invalid(`${fld}.path`, p, 'segment[0] may not be empty')];
    if (!p.startsWith('/')) errs.push(fieldErr.invalid(`${fld}.path`, p, "must start with a '/'"));
    const segs = p.slice(1).split('/');
    segs.forEach((s, i) => {
      if (s === '') errs.push(fieldErr.invalid(`${fld}.path`, p, `segment[${i}] may not be empty`));
      else for (const m of isDNS1123Subdomain(s)) errs.push(fieldErr.invalid(`${fld}.path`, p, `segment[${i}]: ${m}`));
    });
  }
  return errs;
}

function validateWebhook(hook: Obj, fld: string, mutating: boolean, create: boolean): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...isFullyQualifiedName(str(hook.name), `${fld}.name`));
  arr(hook.rules).forEach((r, i) => errs.push(...validateRule(obj(r), `${fld}.rules[${i}]`, true)));
  if (isSet(hook.failurePolicy) && !['Fail', 'Ignore'].includes(str(hook.failurePolicy))) {
    errs.push(fieldErr.notSupported(`${fld}.failurePolicy`, str(hook.failurePolicy), ['Fail', 'Ignore']));
  }
  if (isSet(hook.matchPolicy) && !['Equivalent', 'Exact'].includes(str(hook.matchPolicy))) {
    errs.push(fieldErr.notSupported(`${fld}.matchPolicy`, str(hook.matchPolicy), ['Equivalent', 'Exact']));
  }
  const se = hook.sideEffects;
  if (!isSet(se)) errs.push(fieldErr.required(`${fld}.sideEffects`, 'must specify one of None, NoneOnDryRun'));
  else if (create && !['None', 'NoneOnDryRun'].includes(str(se))) errs.push(fieldErr.notSupported(`${fld}.sideEffects`, str(se), ['None', 'NoneOnDryRun']));
  else if (!['None', 'NoneOnDryRun', 'Some', 'Unknown'].includes(str(se))) errs.push(fieldErr.notSupported(`${fld}.sideEffects`, str(se), ['None', 'NoneOnDryRun', 'Some', 'Unknown']));
  const to = num(hook.timeoutSeconds);
  if (to !== undefined && (to > 30 || to < 1)) errs.push(fieldErr.invalid(`${fld}.timeoutSeconds`, to, 'the timeout value must be between 1 and 30 seconds'));
  if (isSet(hook.namespaceSelector)) errs.push(...validateLabelSelector(hook.namespaceSelector, `${fld}.namespaceSelector`));
  if (isSet(hook.objectSelector)) errs.push(...validateLabelSelector(hook.objectSelector, `${fld}.objectSelector`));
  if (mutating && isSet(hook.reinvocationPolicy) && !['IfNeeded', 'Never'].includes(str(hook.reinvocationPolicy))) {
    errs.push(fieldErr.notSupported(`${fld}.reinvocationPolicy`, str(hook.reinvocationPolicy), ['IfNeeded', 'Never']));
  }
  const cc = obj(hook.clientConfig);
  const hasURL = typeof cc.url === 'string';
  const hasSvc = isObj(cc.service);
  if (hasURL === hasSvc) errs.push(fieldErr.required(`${fld}.clientConfig`, 'exactly one of url or service is required'));
  else if (hasURL) errs.push(...validateWebhookURL(str(cc.url), `${fld}.clientConfig.url`));
  else errs.push(...validateWebhookService(obj(cc.service), `${fld}.clientConfig.service`));
  return errs;
}

function validateAdmissionReviewVersions(versions: string[], requireRecognized: boolean, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  if (versions.length < 1) return [fieldErr.required(fld, `must specify one of ${ACCEPTED_REVIEW_VERSIONS.join(', ')}`)];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(fieldErr.invalid(index(fld, i), v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(fieldErr.invalid(index(fld, i), v, m));
    if (ACCEPTED_REVIEW_VERSIONS.includes(v)) accepted = true;
  });
  if (requireRecognized && !accepted) errs.push(fieldErr.invalid(fld, versions, `must include at least one of ${ACCEPTED_REVIEW_VERSIONS.join(', ')}`));
  return errs;
}

function webhookConfig(cfg: Obj, mutating: boolean, old: Obj | undefined): FieldError[] {
  const errs = validateObjectMeta(cfg.metadata, false, nameIsDNSSubdomain);
  const names = new Set<string>();
  const oldHooks = old ? arr(old.webhooks).map(obj) : [];
  const requireUnique = !old || oldHooks.every((h, i, a) => a.findIndex((x) => str(x.name) === str(h.name)) === i);
  const requireRecognized = !old || oldHooks.every((h) => strArr(h.admissionReviewVersions).some((v) => ACCEPTED_REVIEW_VERSIONS.includes(v)));
  const create = !old || oldHooks.every((h) => ['None', 'NoneOnDryRun'].includes(str(h.sideEffects)));
  arr(cfg.webhooks).map(obj).forEach((h, i) => {
    const p = `webhooks[${i}]`;
    errs.push(...validateWebhook(h, p, mutating, create));
    errs.push(...validateAdmissionReviewVersions(strArr(h.admissionReviewVersions), requireRecognized, `${p}.admissionReviewVersions`));
    const n = str(h.name);
    if (requireUnique && n) {
      if (names.has(n)) errs.push(fieldErr.duplicate(`${p}.name`, n));
      else names.add(n);
    }
  });
  return errs;
}
export function validateWebhookConfiguration(cfg: Obj, mutating: boolean): FieldError[] {
  return webhookConfig(cfg, mutating, undefined);
}
export function validateWebhookConfigurationUpdate(cfg: Obj, old: Obj, mutating: boolean): FieldError[] {
  return [...webhookConfig(cfg, mutating, old), ...validateObjectMetaUpdate(cfg.metadata, old.metadata)];
}

// ---------------- EndpointSlice ----------------
function endpointSliceBody(es: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const at = str(es.addressType);
  if (!at) errs.push(fieldErr.required('addressType', ''));
  else if (!['FQDN', 'IPv4', 'IPv6'].includes(at)) errs.push(fieldErr.notSupported('addressType', at, ['FQDN', 'IPv4', 'IPv6']));
  const eps = arr(es.endpoints).map(obj);
  if (eps.length > 1000) errs.push(fieldErr.tooMany('endpoints', eps.length, 1000));
  eps.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addrs = strArr(ep.addresses);
    if (addrs.length === 0) errs.push(fieldErr.required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(fieldErr.tooMany(`${p}.addresses`, addrs.length, 100));
    addrs.forEach((a, j) => {
      const ap = `${p}.addresses[${j}]`;
      if (at === 'IPv4') {
        if (!parseIPv4(a)) errs.push(fieldErr.invalid(ap, a, 'must be a valid IPv4 address'));
        else errs.push(...validateNonSpecialIP(a, ap));
      } else if (at === 'IPv6') {
        if (!isIP(a) || parseIPv4(a)) errs.push(fieldErr.invalid(ap, a, 'must be a valid IPv6 address'));
        else errs.push(...validateNonSpecialIP(a, ap));
      } else if (at === 'FQDN') {
        const name = a.replace(/\.$/, '');
        const e = isDNS1123Subdomain(name);
        if (e.length) errs.push(fieldErr.invalid(ap, name, e.join(',')));
        else if (name.split('.').length < 2) errs.push(fieldErr.invalid(ap, name, 'should be a domain with at least two segments separated by dots'));
        else {
          for (const label of name.split('.')) {
            const le = isDNS1123Label(label);
            if (le.length) {
              errs.push(fieldErr.invalid(ap, label, le.join(',')));
              break;
            }
          }
        }
      }
    });
    if (typeof ep.nodeName === 'string') errs.push(...validateNameWith(nameIsDNSSubdomain, ep.nodeName, `${p}.nodeName`));
    if (typeof ep.hostname === 'string' && ep.hostname) errs.push(...validateDNS1123Label(ep.hostname, `${p}.hostname`));
  });
  const ports = arr(es.ports).map(obj);
  if (ports.length > 20000) errs.push(fieldErr.tooMany('ports', ports.length, 20000));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = str(port.name);
    if (name) errs.push(...validateDNS1123Label(name, `${p}.name`));
    if (names.has(name)) errs.push(fieldErr.duplicate(`${p}.name`, name));
    else names.add(name);
    if (!isSet(port.protocol)) errs.push(fieldErr.required(`${p}.protocol`, ''));
    else if (!['SCTP', 'TCP', 'UDP'].includes(str(port.protocol))) errs.push(fieldErr.notSupported(`${p}.protocol`, str(port.protocol), ['SCTP', 'TCP', 'UDP']));
    if (typeof port.appProtocol === 'string') errs.push(...validateQualifiedName(port.appProtocol, `${p}.appProtocol`));
  });
  return errs;
}
export function validateEndpointSlice(es: Obj): FieldError[] {
  return [...validateObjectMeta(es.metadata, true, nameIsDNSSubdomain), ...endpointSliceBody(es)];
}
export function validateEndpointSliceUpdate(es: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMeta(es.metadata, true, nameIsDNSSubdomain), ...endpointSliceBody(es), ...validateObjectMetaUpdate(es.metadata, old.metadata)];
  errs.push(...validateImmutableField(str(es.addressType), str(old.addressType), 'addressType'));
  return errs;
}

