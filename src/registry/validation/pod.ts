// Pod / PodSpec / PodTemplateSpec validation (pkg/apis/core/validation: ValidatePodSpec and friends).
// Fields that kube's defaulting always fills (restartPolicy, dnsPolicy, imagePullPolicy, ...) are only
// checked when present, so a partially-defaulted object is not rejected for something a real client
// could never send to kube.
import { fieldErr, type FieldError } from '../../api/field-errors.js';
import { validateAnnotations, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import {
  arr, child, deepEqual, index, isConfigMapKey, isHTTPHeaderName, isObj, isRelaxedEnvVarName, isSet, isValidIP,
  isValidLabelValue, isValidPortName, isValidPortNum, isValidUserID, inclusiveRangeError, key, nameIsDNSSubdomain, num, obj,
  optObj, parseQuantity, quantityString, str, strArr, strMap, validateDNS1123Label, validateDNS1123Subdomain, validateLabels,
  validateNameWith, validateNonnegativeField, validateQualifiedName, isQualifiedName, type Obj,
} from './util.js';

const FILE_MODE_ERROR_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker',
  'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image',
];
/** Field names kube uses in its "may not specify more than 1 volume type" paths (note kube's own typo for downwardAPI). */
const VOLUME_ERR_NAME: Record<string, string> = { downwardAPI: 'downwarAPI' };

export interface VolumeInfo {
  pvcLike: boolean;
  image: boolean;
}

function validateKeyToPath(kp: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(kp.key)) errs.push(fieldErr.required(child(fld, 'key'), ''));
  if (!str(kp.path)) errs.push(fieldErr.required(child(fld, 'path'), ''));
  errs.push(...validateLocalNonReservedPath(str(kp.path), child(fld, 'path')));
  const mode = num(kp.mode);
  if (mode !== undefined && (mode > 0o777 || mode < 0)) errs.push(fieldErr.invalid(child(fld, 'mode'), mode, FILE_MODE_ERROR_MSG));
  return errs;
}

function validateLocalDescendingPath(p: string, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(fieldErr.invalid(fld, p, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(p, fld));
  return errs;
}
function validatePathNoBacksteps(p: string, fld: string): FieldError[] {
  const parts = p.split(/[\\/]/);
  if (parts.includes('..')) return [fieldErr.invalid(fld, p, "must not contain '..'")];
  return [];
}
function validateLocalNonReservedPath(p: string, fld: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, fld);
  if (p.startsWith('..')) errs.push(fieldErr.invalid(fld, p, "must not start with '..'"));
  return errs;
}

function validateVolumeSource(v: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const s of VOLUME_SOURCES) {
    const src = v[s];
    if (!isSet(src)) continue;
    if (n > 0) {
      errs.push(fieldErr.forbidden(child(fld, VOLUME_ERR_NAME[s] ?? s), 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    const o = obj(src);
    const p = child(fld, s);
    switch (s) {
      case 'hostPath':
        if (!str(o.path)) errs.push(fieldErr.required(child(p, 'path'), ''));
        else errs.push(...validatePathNoBacksteps(str(o.path), child(p, 'path')));
        break;
      case 'secret': {
        if (!str(o.secretName)) errs.push(fieldErr.required(child(p, 'secretName'), ''));
        const m = num(o.defaultMode);
        if (m !== undefined && (m > 0o777 || m < 0)) errs.push(fieldErr.invalid(child(p, 'defaultMode'), m, FILE_MODE_ERROR_MSG));
        arr(o.items).forEach((it, i) => errs.push(...validateKeyToPath(obj(it), index(child(p, 'items'), i))));
        break;
      }
      case 'configMap': {
        if (!str(o.name)) errs.push(fieldErr.required(child(p, 'name'), ''));
        const m = num(o.defaultMode);
        if (m !== undefined && (m > 0o777 || m < 0)) errs.push(fieldErr.invalid(child(p, 'defaultMode'), m, FILE_MODE_ERROR_MSG));
        arr(o.items).forEach((it, i) => errs.push(...validateKeyToPath(obj(it), index(child(p, 'items'), i))));
        break;
      }
      case 'persistentVolumeClaim':
        if (!str(o.claimName)) errs.push(fieldErr.required(child(p, 'claimName'), ''));
        break;
      case 'nfs':
        if (!str(o.server)) errs.push(fieldErr.required(child(p, 'server'), ''));
        if (!str(o.path)) errs.push(fieldErr.required(child(p, 'path'), ''));
        if (!str(o.path).startsWith('/')) errs.push(fieldErr.invalid(child(p, 'path'), str(o.path), 'must be an absolute path'));
        break;
      case 'emptyDir': {
        const q = parseQuantity(o.sizeLimit);
        if (q !== undefined && q < 0) errs.push(fieldErr.forbidden(child(p, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
        break;
      }
      case 'csi':
        if (!str(o.driver)) errs.push(fieldErr.required(child(p, 'driver'), ''));
        break;
      default:
        break;
    }
  }
  if (n === 0) errs.push(fieldErr.required(fld, 'must specify a volume type'));
  return errs;
}

export function validateVolumes(volumes: unknown, fld: string): { vols: Map<string, VolumeInfo>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const vols = new Map<string, VolumeInfo>();
  arr(volumes).forEach((raw, i) => {
    const v = obj(raw);
    const p = index(fld, i);
    const name = str(v.name);
    const el = validateVolumeSource(v, p);
    if (!name) el.push(fieldErr.required(child(p, 'name'), ''));
    else el.push(...validateDNS1123Label(name, child(p, 'name')));
    if (vols.has(name)) el.push(fieldErr.duplicate(child(p, 'name'), name));
    if (el.length === 0) vols.set(name, { pvcLike: isSet(v.persistentVolumeClaim) || isSet(v.ephemeral), image: isSet(v.image) });
    else errs.push(...el);
  });
  return { vols, errs };
}

function validateContainerPorts(ports: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((raw, i) => {
    const port = obj(raw);
    const p = index(fld, i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(fieldErr.invalid(child(p, 'name'), name, m));
      else if (names.has(name)) errs.push(fieldErr.duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    const cp = num(port.containerPort) ?? 0;
    if (cp === 0) errs.push(fieldErr.required(child(p, 'containerPort'), ''));
    else for (const m of isValidPortNum(cp)) errs.push(fieldErr.invalid(child(p, 'containerPort'), cp, m));
    const hp = num(port.hostPort) ?? 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(fieldErr.invalid(child(p, 'hostPort'), hp, m));
    const proto = str(port.protocol);
    if (isSet(port.protocol) && proto === '') errs.push(fieldErr.required(child(p, 'protocol'), ''));
    else if (proto && !PROTOCOLS.includes(proto)) errs.push(fieldErr.notSupported(child(p, 'protocol'), proto, PROTOCOLS));
  });
  return errs;
}

const ENV_FIELD_PATHS = [
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
const ENV_FIELD_PATHS_SUPPORTED = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function validateObjectFieldSelector(fs: Obj, fld: string): FieldError[] {
  if (!str(fs.apiVersion) && isSet(fs.apiVersion)) return [fieldErr.required(child(fld, 'apiVersion'), '')];
  const fp = str(fs.fieldPath);
  if (!fp) return [fieldErr.required(child(fld, 'fieldPath'), '')];
  const m = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/.exec(fp);
  if (m) {
    return m[1] === 'metadata.annotations' ? validateQualifiedName(m[2]!.toLowerCase(), fld) : validateQualifiedName(m[2]!, fld);
  }
  if (!ENV_FIELD_PATHS.includes(fp) || fp === 'metadata.annotations' || fp === 'metadata.labels') {
    return [fieldErr.notSupported(child(fld, 'fieldPath'), fp, ENV_FIELD_PATHS_SUPPORTED)];
  }
  return [];
}

function validateEnv(env: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(env).forEach((raw, i) => {
    const ev = obj(raw);
    const p = index(fld, i);
    const name = str(ev.name);
    if (!name) errs.push(fieldErr.required(child(p, 'name'), ''));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(fieldErr.invalid(child(p, 'name'), name, m));
    const vf = optObj(ev.valueFrom);
    if (!vf) return;
    const vp = child(p, 'valueFrom');
    let n = 0;
    if (isSet(vf.fieldRef)) {
      n++;
      errs.push(...validateObjectFieldSelector(obj(vf.fieldRef), child(vp, 'fieldRef')));
    }
    if (isSet(vf.resourceFieldRef)) {
      n++;
      const r = obj(vf.resourceFieldRef);
      const res = str(r.resource);
      if (!res) errs.push(fieldErr.required(child(vp, 'resourceFieldRef', 'resource'), ''));
      else if (!RESOURCE_FIELD_PATHS.includes(res) && !res.startsWith('requests.hugepages-') && !res.startsWith('limits.hugepages-')) {
        errs.push(fieldErr.notSupported(child(vp, 'resourceFieldRef', 'resource'), res, RESOURCE_FIELD_PATHS));
      }
    }
    for (const kind of ['configMapKeyRef', 'secretKeyRef']) {
      if (!isSet(vf[kind])) continue;
      n++;
      const s = obj(vf[kind]);
      const kp = child(vp, kind);
      errs.push(...validateNameWith(nameIsDNSSubdomain, str(s.name), child(kp, 'name')));
      const k = str(s.key);
      if (!k) errs.push(fieldErr.required(child(kp, 'key'), ''));
      else for (const m of isConfigMapKey(k)) errs.push(fieldErr.invalid(child(kp, 'key'), k, m));
    }
    if (n === 0) errs.push(fieldErr.invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (str(ev.value)) errs.push(fieldErr.invalid(vp, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) errs.push(fieldErr.invalid(vp, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(envFrom).forEach((raw, i) => {
    const ev = obj(raw);
    const p = index(fld, i);
    const prefix = str(ev.prefix);
    if (prefix) for (const m of isRelaxedEnvVarName(prefix)) errs.push(fieldErr.invalid(child(p, 'prefix'), prefix, m));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef']) {
      if (!isSet(ev[kind])) continue;
      n++;
      const name = str(obj(ev[kind]).name);
      if (!name) errs.push(fieldErr.required(child(p, kind, 'name'), ''));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(fieldErr.invalid(child(p, kind, 'name'), name, m));
    }
    if (n === 0) errs.push(fieldErr.invalid(fld, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(fieldErr.invalid(fld, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, devices: Map<string, string>, vols: Map<string, VolumeInfo>, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const points = new Set<string>();
  arr(mounts).forEach((raw, i) => {
    const m = obj(raw);
    const p = index(fld, i);
    const name = str(m.name);
    const mp = str(m.mountPath);
    if (!name) errs.push(fieldErr.required(child(p, 'name'), ''));
    if (!vols.has(name)) errs.push(fieldErr.notFound(child(p, 'name'), name));
    if (!mp) errs.push(fieldErr.required(child(p, 'mountPath'), ''));
    if (points.has(mp)) errs.push(fieldErr.invalid(child(p, 'mountPath'), mp, 'must be unique'));
    points.add(mp);
    if (devices.has(name)) errs.push(fieldErr.invalid(child(p, 'name'), name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(mp)) errs.push(fieldErr.invalid(child(p, 'mountPath'), mp, 'must not already exist as a path in volumeDevices'));
    const sub = str(m.subPath);
    const subExpr = str(m.subPathExpr);
    if (vols.get(name)?.image) {
      if (sub) errs.push(fieldErr.invalid(child(p, 'subPath'), sub, 'not allowed in image volume sources'));
      if (subExpr) errs.push(fieldErr.invalid(child(p, 'subPathExpr'), subExpr, 'not allowed in image volume sources'));
    }
    if (sub) errs.push(...validateLocalDescendingPath(sub, child(fld, 'subPath')));
    if (subExpr) {
      if (sub) errs.push(fieldErr.invalid(child(p, 'subPathExpr'), subExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subExpr, child(fld, 'subPathExpr')));
    }
  });
  return errs;
}

function validateVolumeDevices(devicesIn: unknown, mounts: Map<string, string>, vols: Map<string, VolumeInfo>, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  const names = new Set<string>();
  arr(devicesIn).forEach((raw, i) => {
    const d = obj(raw);
    const p = index(fld, i);
    const name = str(d.name);
    const dp = str(d.devicePath);
    const v = vols.get(name);
    if (!name) errs.push(fieldErr.required(child(p, 'name'), ''));
    if (names.has(name)) errs.push(fieldErr.invalid(child(p, 'name'), name, 'must be unique'));
    if (v && !v.pvcLike) errs.push(fieldErr.invalid(child(p, 'name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!v) errs.push(fieldErr.notFound(child(p, 'name'), name));
    if (!dp) errs.push(fieldErr.required(child(p, 'devicePath'), ''));
    if (paths.has(dp)) errs.push(fieldErr.invalid(child(p, 'devicePath'), dp, 'must be unique'));
    if (dp && dp.split('/').includes('..')) errs.push(fieldErr.invalid(child(p, 'devicePath'), dp, "can not contain backsteps ('..')"));
    else paths.add(dp);
    if (mounts.has(name)) errs.push(fieldErr.invalid(child(p, 'name'), name, 'must not already exist in volumeMounts'));
    if ([...mounts.values()].includes(dp)) errs.push(fieldErr.invalid(child(p, 'devicePath'), dp, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  });
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}
function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePages(name);
}
function validateContainerResourceName(name: string, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of isQualifiedName(name)) errs.push(fieldErr.invalid(fld, name, m));
  if (errs.length) return errs;
  if (!name.includes('/')) {
    if (!STANDARD_RESOURCES.has(name) && !isHugePages(name)) return [fieldErr.invalid(fld, name, 'must be a standard resource type or fully qualified')];
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) return [fieldErr.invalid(fld, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name)) {
    if (name.startsWith('requests.')) return [fieldErr.invalid(fld, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}
function validateResourceQuantityValue(name: string, value: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const q = parseQuantity(value);
  if (q !== undefined && q < 0) errs.push(fieldErr.invalid(fld, quantityString(value), 'must be greater than or equal to 0'));
  const integer = !STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name) && name !== 'cpu';
  if (q !== undefined && integer && name !== 'memory' && name !== 'ephemeral-storage' && Math.round(q * 1000) % 1000 !== 0 && !isNativeResource(name)) {
    errs.push(fieldErr.invalid(fld, quantityString(value), 'must be an integer'));
  }
  return errs;
}

export function validateResourceRequirements(res: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = child(fld, 'limits');
  const reqPath = child(fld, 'requests');
  const limits = obj(res.limits);
  const requests = obj(res.requests);
  let limCPUMem = false;
  let reqCPUMem = false;
  let huge = false;
  for (const [name, q] of Object.entries(limits)) {
    const p = key(limPath, name);
    errs.push(...validateContainerResourceName(name, p));
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePages(name)) huge = true;
    if (name === 'cpu' || name === 'memory') limCPUMem = true;
  }
  for (const [name, q] of Object.entries(requests)) {
    const p = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, p));
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (Object.prototype.hasOwnProperty.call(limits, name)) {
      const rq = parseQuantity(q);
      const lq = parseQuantity(limits[name]);
      if (rq !== undefined && lq !== undefined) {
        if (rq !== lq && !isOvercommitAllowed(name)) {
          errs.push(fieldErr.invalid(reqPath, quantityString(q), `must be equal to ${name} limit of ${quantityString(limits[name])}`));
        } else if (rq > lq) {
          errs.push(fieldErr.invalid(reqPath, quantityString(q), `must be less than or equal to ${name} limit of ${quantityString(limits[name])}`));
        }
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(fieldErr.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePages(name)) huge = true;
    if (name === 'cpu' || name === 'memory') reqCPUMem = true;
  }
  if (!limCPUMem && !reqCPUMem && huge) errs.push(fieldErr.forbidden(fld, 'HugePages require cpu or memory'));
  return errs;
}

function validateHandler(h: Obj, grace: number | undefined, fld: string, lifecycle: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const kinds = lifecycle ? ['exec', 'httpGet', 'tcpSocket', 'sleep'] : ['exec', 'httpGet', 'tcpSocket', 'grpc'];
  for (const k of kinds) {
    if (!isSet(h[k])) continue;
    if (n > 0) {
      errs.push(fieldErr.forbidden(child(fld, k), 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const o = obj(h[k]);
    const p = child(fld, k);
    switch (k) {
      case 'exec':
        if (strArr(o.command).length === 0) errs.push(fieldErr.required(child(p, 'command'), ''));
        break;
      case 'httpGet': {
        if (isSet(o.path) && !str(o.path)) errs.push(fieldErr.required(child(p, 'path'), ''));
        errs.push(...validatePortNumOrName(o.port, child(p, 'port')));
        const scheme = str(o.scheme);
        if (scheme && scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(fieldErr.notSupported(child(p, 'scheme'), scheme, ['HTTP', 'HTTPS']));
        for (const hd of arr(o.httpHeaders)) for (const m of isHTTPHeaderName(str(obj(hd).name))) errs.push(fieldErr.invalid(child(p, 'httpHeaders'), str(obj(hd).name), m));
        break;
      }
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(o.port, child(p, 'port')));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(num(o.port) ?? 0, child(p, 'port')));
        break;
      case 'sleep': {
        const s = num(o.seconds) ?? 0;
        if (grace !== undefined && (s < 0 || s > grace)) {
          errs.push(fieldErr.invalid(p, s, `must be non-negative and less than terminationGracePeriodSeconds (${grace})`));
        }
        break;
      }
    }
  }
  if (n === 0) errs.push(fieldErr.required(fld, 'must specify a handler type'));
  return errs;
}

export function validatePortNumOrName(port: unknown, fld: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldErr.invalid(fld, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldErr.invalid(fld, port, m));
  return isValidPortNum(0).map((m) => fieldErr.invalid(fld, 0, m));
}

function validateProbe(probe: unknown, grace: number | undefined, fld: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!isObj(probe)) return [];
  const errs: FieldError[] = [];
  errs.push(...validateHandler(probe, grace, fld, false));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegativeField(num(probe[f]), child(fld, f)));
  }
  const tgps = num(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(fieldErr.invalid(child(fld, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if (kind !== 'readiness') {
    const st = num(probe.successThreshold);
    if (st !== undefined && st !== 1) errs.push(fieldErr.invalid(child(fld, 'successThreshold'), st, 'must be 1'));
  } else if (tgps !== undefined) {
    errs.push(fieldErr.invalid(child(fld, 'terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'));
  }
  return errs;
}

function validateLifecycle(lc: Obj, grace: number | undefined, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isObj(lc.postStart)) errs.push(...validateHandler(lc.postStart, grace, child(fld, 'postStart'), true));
  if (isObj(lc.preStop)) errs.push(...validateHandler(lc.preStop, grace, child(fld, 'preStop'), true));
  return errs;
}

function validateSecurityContext(sc: unknown, fld: string): FieldError[] {
  if (!isObj(sc)) return [];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup']) {
    const v = num(sc[f]);
    if (v !== undefined) for (const m of isValidUserID(v)) errs.push(fieldErr.invalid(child(fld, f), v, m));
  }
  const pm = str(sc.procMount);
  if (pm && pm !== 'Default' && pm !== 'Unmasked') errs.push(fieldErr.notSupported(child(fld, 'procMount'), pm, ['Default', 'Unmasked']));
  if (sc.allowPrivilegeEscalation === false && sc.privileged === true) {
    errs.push(fieldErr.invalid(fld, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  return errs;
}

function validateContainerCommon(c: Obj, vols: Map<string, VolumeInfo>, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(fieldErr.required(child(fld, 'name'), ''));
  else errs.push(...validateDNS1123Label(name, child(fld, 'name')));
  if (!str(c.image)) errs.push(fieldErr.required(child(fld, 'image'), ''));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp && tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(fieldErr.notSupported(child(fld, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  const mounts = new Map<string, string>();
  for (const m of arr(c.volumeMounts)) mounts.set(str(obj(m).name), str(obj(m).mountPath));
  const devices = new Map<string, string>();
  for (const d of arr(c.volumeDevices)) devices.set(str(obj(d).name), str(obj(d).devicePath));
  errs.push(...validateContainerPorts(c.ports, child(fld, 'ports')));
  errs.push(...validateEnv(c.env, child(fld, 'env')));
  errs.push(...validateEnvFrom(c.envFrom, child(fld, 'envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts, devices, vols, child(fld, 'volumeMounts')));
  errs.push(...validateVolumeDevices(c.volumeDevices, mounts, vols, child(fld, 'volumeDevices')));
  const pp = str(c.imagePullPolicy);
  if (pp && !['Always', 'IfNotPresent', 'Never'].includes(pp)) errs.push(fieldErr.notSupported(child(fld, 'imagePullPolicy'), pp, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...validateResourceRequirements(obj(c.resources), child(fld, 'resources')));
  errs.push(...validateSecurityContext(c.securityContext, child(fld, 'securityContext')));
  return errs;
}

function hostPortConflicts(containers: Obj[], fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    arr(c.ports).forEach((raw, pi) => {
      const p = obj(raw);
      const hp = num(p.hostPort) ?? 0;
      if (hp === 0) return;
      const s = `${str(p.protocol)}/${str(p.hostIP)}/${hp}`;
      if (seen.has(s)) errs.push(fieldErr.duplicate(child(index(child(index(fld, ci), 'ports'), pi), 'hostPort'), s));
      else seen.add(s);
    });
  });
  return errs;
}

function validateContainers(containersIn: unknown, vols: Map<string, VolumeInfo>, grace: number | undefined, fld: string): FieldError[] {
  const containers = arr(containersIn).map(obj);
  if (containers.length === 0) return [fieldErr.required(fld, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = index(fld, i);
    errs.push(...validateContainerCommon(c, vols, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(fieldErr.duplicate(child(p, 'name'), name));
    else names.add(name);
    if (isObj(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, grace, child(p, 'lifecycle')));
    errs.push(...validateProbe(c.livenessProbe, grace, child(p, 'livenessProbe'), 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, grace, child(p, 'readinessProbe'), 'readiness'));
    errs.push(...validateProbe(c.startupProbe, grace, child(p, 'startupProbe'), 'startup'));
    if (isSet(c.restartPolicy)) errs.push(fieldErr.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(containers, fld));
  return errs;
}

function validateInitContainers(initIn: unknown, regular: unknown, vols: Map<string, VolumeInfo>, grace: number | undefined, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(arr(regular).map((c) => str(obj(c).name)));
  arr(initIn).map(obj).forEach((c, i) => {
    const p = index(fld, i);
    errs.push(...validateContainerCommon(c, vols, p));
    let restartAlways = false;
    if (isSet(c.restartPolicy)) {
      const rp = str(c.restartPolicy);
      if (rp !== 'Always') errs.push(fieldErr.notSupported(child(p, 'restartPolicy'), rp, ['Always']));
      restartAlways = rp === 'Always';
    }
    const name = str(c.name);
    if (names.has(name)) errs.push(fieldErr.duplicate(child(p, 'name'), name));
    else if (name) names.add(name);
    errs.push(...hostPortConflicts([c], fld));
    if (restartAlways) {
      if (isObj(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, grace, child(p, 'lifecycle')));
      errs.push(...validateProbe(c.livenessProbe, grace, child(p, 'livenessProbe'), 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, grace, child(p, 'readinessProbe'), 'readiness'));
      errs.push(...validateProbe(c.startupProbe, grace, child(p, 'startupProbe'), 'startup'));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isSet(c[f])) errs.push(fieldErr.forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

function validateTolerations(tolerations: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(tolerations).map(obj).forEach((t, i) => {
    const p = index(fld, i);
    const k = str(t.key);
    const op = str(t.operator);
    const effect = str(t.effect);
    const value = str(t.value);
    if (k) for (const m of isQualifiedName(k)) errs.push(fieldErr.invalid(child(p, 'key'), k, m));
    if (!k && op !== 'Exists') {
      errs.push(fieldErr.invalid(child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (isSet(t.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(fieldErr.invalid(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (op) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(value);
        if (msgs.length) errs.push(fieldErr.invalid(child(p, 'operator'), value, msgs.join(';')));
        break;
      }
      case 'Exists':
        if (value) errs.push(fieldErr.invalid(child(p, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(fieldErr.notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(fieldErr.notSupported(child(p, 'effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

/** ValidatePodSpec */
export function validatePodSpec(specIn: unknown, fld: string, isPod: boolean, extraVolumeNames: string[] = []): FieldError[] {
  const spec = obj(specIn);
  const errs: FieldError[] = [];
  const graceSet = isSet(spec.terminationGracePeriodSeconds);
  const grace = num(spec.terminationGracePeriodSeconds) ?? (graceSet ? undefined : 30);
  const { vols, errs: vErrs } = validateVolumes(spec.volumes, child(fld, 'volumes'));
  for (const n of extraVolumeNames) if (!vols.has(n)) vols.set(n, { pvcLike: true, image: false });
  errs.push(...vErrs);
  errs.push(...validateContainers(spec.containers, vols, grace, child(fld, 'containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, vols, grace, child(fld, 'initContainers')));
  if (isObj(spec.securityContext) || spec.hostNetwork === true) {
    if (spec.hostNetwork === true) {
      arr(spec.containers).map(obj).forEach((c, i) => {
        arr(c.ports).map(obj).forEach((port, j) => {
          const hp = num(port.hostPort) ?? 0;
          const cp = num(port.containerPort) ?? 0;
          if ((isPod || hp !== 0) && hp !== cp) {
            errs.push(fieldErr.invalid(child(index(child(index(child(fld, 'containers'), i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
          }
        });
      });
    }
  }
  const rp = str(spec.restartPolicy);
  if (rp && !['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(fieldErr.notSupported(child(fld, 'restartPolicy'), rp, ['Always', 'OnFailure', 'Never']));
  const dp = str(spec.dnsPolicy);
  if (dp && !['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dp)) {
    errs.push(fieldErr.notSupported(child(fld, 'dnsPolicy'), dp, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  errs.push(...validateLabels(spec.nodeSelector, child(fld, 'nodeSelector')));
  const psc = optObj(spec.securityContext);
  if (psc) {
    for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
      const v = num(psc[f]);
      if (v !== undefined) for (const m of isValidUserID(v)) errs.push(fieldErr.invalid(child(fld, 'securityContext', f), v, m));
    }
  }
  arr(spec.imagePullSecrets).forEach((s, i) => {
    const o = obj(s);
    if (Object.keys(o).some((k) => k !== 'name')) errs.push(fieldErr.invalid(index(child(fld, 'imagePullSecrets'), i), o, 'only name may be set'));
  });
  if (dp === 'None') {
    const dc = optObj(spec.dnsConfig);
    if (!dc) errs.push(fieldErr.required(child(fld, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
    else if (strArr(dc.nameservers).length === 0) errs.push(fieldErr.required(child(fld, 'dnsConfig', 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  }
  const dc = optObj(spec.dnsConfig);
  if (dc) {
    const ns = strArr(dc.nameservers);
    if (ns.length > 3) errs.push(fieldErr.invalid(child(fld, 'dnsConfig', 'nameservers'), ns, 'must not have more than 3 nameservers'));
    ns.forEach((n, i) => errs.push(...isValidIP(index(child(fld, 'dnsConfig', 'nameservers'), i), n)));
  }
  arr(spec.readinessGates).forEach((g, i) => errs.push(...validateQualifiedName(str(obj(g).conditionType), child(index(child(fld, 'readinessGates'), i), 'conditionType'))));
  const seenGates = new Set<string>();
  arr(spec.schedulingGates).forEach((g, i) => {
    const n = str(obj(g).name);
    errs.push(...validateQualifiedName(n, index(child(fld, 'schedulingGates'), i)));
    if (seenGates.has(n)) errs.push(fieldErr.duplicate(index(child(fld, 'schedulingGates'), i), n));
    seenGates.add(n);
  });
  const sa = str(spec.serviceAccountName);
  if (sa) errs.push(...validateNameWith(nameIsDNSSubdomain, sa, child(fld, 'serviceAccountName')));
  const node = str(spec.nodeName);
  if (node) errs.push(...validateNameWith(nameIsDNSSubdomain, node, child(fld, 'nodeName')));
  const ads = num(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > 2147483647)) errs.push(fieldErr.invalid(child(fld, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, 2147483647)));
  if (str(spec.hostname)) errs.push(...validateDNS1123Label(str(spec.hostname), child(fld, 'hostname')));
  if (str(spec.subdomain)) errs.push(...validateDNS1123Label(str(spec.subdomain), child(fld, 'subdomain')));
  if (arr(spec.tolerations).length) errs.push(...validateTolerations(spec.tolerations, child(fld, 'tolerations')));
  arr(spec.hostAliases).map(obj).forEach((ha, i) => {
    errs.push(...isValidIP(child(index(child(fld, 'hostAliases'), i), 'ip'), str(ha.ip)));
    strArr(ha.hostnames).forEach((h, j) => errs.push(...validateDNS1123Subdomain(h, index(child(index(child(fld, 'hostAliases'), i), 'hostnames'), j))));
  });
  const pcn = str(spec.priorityClassName);
  if (pcn) errs.push(...validateNameWith(nameIsDNSSubdomain, pcn, child(fld, 'priorityClassName')));
  if (typeof spec.runtimeClassName === 'string') errs.push(...validateNameWith(nameIsDNSSubdomain, spec.runtimeClassName, child(fld, 'runtimeClassName')));
  if (isSet(spec.preemptionPolicy)) {
    const pp = str(spec.preemptionPolicy);
    if (pp === '') errs.push(fieldErr.required(child(fld, 'preemptionPolicy'), ''));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(fieldErr.notSupported(child(fld, 'preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']));
  }
  if (isObj(spec.os)) {
    const os = str(spec.os.name);
    if (os !== 'linux' && os !== 'windows') errs.push(fieldErr.notSupported(child(fld, 'os', 'name'), os, ['linux', 'windows']));
  }
  return errs;
}

/** ValidatePodTemplateSpec (pod templates embedded in workloads). */
export function validatePodTemplateSpec(tmplIn: unknown, fld: string, extraVolumeNames: string[] = []): FieldError[] {
  const t = obj(tmplIn);
  const meta = obj(t.metadata);
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, child(fld, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(fld, 'annotations')));
  errs.push(...podSpecificAnnotations(meta.annotations, obj(t.spec), child(fld, 'annotations')));
  errs.push(...validatePodSpec(t.spec, child(fld, 'spec'), false, extraVolumeNames));
  if (arr(obj(t.spec).ephemeralContainers).length > 0) {
    errs.push(fieldErr.forbidden(child(fld, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

function podSpecificAnnotations(annotations: unknown, spec: Obj, fld: string): FieldError[] {
  const a = strMap(annotations);
  const errs: FieldError[] = [];
  if ('kubernetes.io/config.mirror' in a && !str(spec.nodeName)) {
    errs.push(fieldErr.invalid(key(fld, 'kubernetes.io/config.mirror'), a['kubernetes.io/config.mirror'], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  const cost = a['controller.kubernetes.io/pod-deletion-cost'];
  if (cost !== undefined && !/^[+-]?\d+$/.test(cost.trim() === cost ? cost : 'x')) {
    errs.push(fieldErr.invalid(key(fld, 'controller.kubernetes.io/pod-deletion-cost'), cost, 'must be a 32bit integer'));
  } else if (cost !== undefined && (Number(cost) > 2147483647 || Number(cost) < -2147483648)) {
    errs.push(fieldErr.invalid(key(fld, 'controller.kubernetes.io/pod-deletion-cost'), cost, 'must be a 32bit integer'));
  }
  return errs;
}

function podMetadataAndSpec(pod: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  errs.push(...validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain));
  errs.push(...podSpecificAnnotations(meta.annotations, spec, 'metadata.annotations'));
  errs.push(...validatePodSpec(pod.spec, 'spec', true));
  if (!str(spec.serviceAccountName)) {
    arr(spec.volumes).map(obj).forEach((v, vi) => {
      if (!isObj(v.projected)) return;
      arr(v.projected.sources).map(obj).forEach((s, si) => {
        if (isSet(s.serviceAccountToken)) {
          errs.push(fieldErr.forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  for (const list of ['containers', 'initContainers']) {
    arr(spec[list]).map(obj).forEach((c, i) => {
      const img = str(c.image);
      if (img.length !== img.trim().length) errs.push(fieldErr.invalid(`spec.${list}[${i}].image`, img, 'must not have leading or trailing whitespace'));
    });
  }
  return errs;
}

export function validatePod(pod: Obj): FieldError[] {
  return podMetadataAndSpec(pod);
}

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function containerUpdates(newC: unknown, oldC: unknown, fld: string): { errs: FieldError[]; stop: boolean } {
  const n = arr(newC);
  const o = arr(oldC);
  if (n.length !== o.length) {
    return { errs: [fieldErr.forbidden(fld, 'pod updates may not add or remove containers')], stop: true };
  }
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const img = str(obj(c).image);
    if (!img) errs.push(fieldErr.required(child(index(fld, i), 'image'), ''));
    if (img.length !== img.trim().length) errs.push(fieldErr.invalid(child(index(fld, i), 'image'), img, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** A readable (not cmp.Diff-identical) rendering of what changed between two specs. */
function specDiff(oldSpec: unknown, newSpec: unknown, path = 'core.PodSpec'): string[] {
  if (deepEqual(oldSpec, newSpec)) return [];
  if (isObj(oldSpec) && isObj(newSpec)) {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])) out.push(...specDiff(oldSpec[k], newSpec[k], `${path}.${k}`));
    return out;
  }
  if (Array.isArray(oldSpec) && Array.isArray(newSpec) && oldSpec.length === newSpec.length) {
    const out: string[] = [];
    oldSpec.forEach((x, i) => out.push(...specDiff(x, newSpec[i], `${path}[${i}]`)));
    return out;
  }
  return [`  ${path}:`, `- \t${JSON.stringify(oldSpec ?? null)}`, `+ \t${JSON.stringify(newSpec ?? null)}`];
}

export function validatePodUpdate(pod: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateObjectMetaUpdate(pod.metadata, old.metadata));
  errs.push(...podMetadataAndSpec(pod));
  const na = strMap(obj(pod.metadata).annotations);
  const oa = strMap(obj(old.metadata).annotations);
  const mirror = 'kubernetes.io/config.mirror';
  if (mirror in oa && na[mirror] !== oa[mirror]) errs.push(fieldErr.forbidden(key('metadata.annotations', mirror), 'may not remove or update mirror pod annotation'));
  if (mirror in na && !(mirror in oa)) errs.push(fieldErr.forbidden(key('metadata.annotations', mirror), 'may not add mirror pod annotation'));
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  let r = containerUpdates(spec.containers, oldSpec.containers, 'spec.containers');
  errs.push(...r.errs);
  if (r.stop) return errs;
  r = containerUpdates(spec.initContainers, oldSpec.initContainers, 'spec.initContainers');
  errs.push(...r.errs);
  if (r.stop) return errs;
  const nads = num(spec.activeDeadlineSeconds);
  const oads = num(oldSpec.activeDeadlineSeconds);
  if (nads !== undefined) {
    if (nads < 0 || nads > 2147483647) {
      errs.push(fieldErr.invalid('spec.activeDeadlineSeconds', nads, inclusiveRangeError(0, 2147483647)));
      return errs;
    }
    if (oads !== undefined && oads < nads) {
      errs.push(fieldErr.invalid('spec.activeDeadlineSeconds', nads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oads !== undefined) {
    errs.push(fieldErr.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  // only additions to tolerations (tolerationSeconds may change)
  const newTol = arr(spec.tolerations).map(obj);
  let tolOk = true;
  for (const ot of arr(oldSpec.tolerations).map(obj)) {
    if (!newTol.some((nt) => deepEqual({ ...ot, tolerationSeconds: nt.tolerationSeconds }, nt))) {
      errs.push(fieldErr.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      tolOk = false;
      break;
    }
  }
  if (tolOk) errs.push(...validateTolerations(spec.tolerations, 'spec.tolerations'));
  // scheduling gates: only deletions
  const oldGates = new Set(arr(oldSpec.schedulingGates).map((g) => str(obj(g).name)));
  arr(spec.schedulingGates).forEach((g, i) => {
    const n = str(obj(g).name);
    if (!oldGates.has(n)) errs.push(fieldErr.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${n}'`));
  });
  if (deepEqual(spec, oldSpec)) return errs;
  const munged: Obj = { ...spec };
  munged.containers = arr(spec.containers).map((c, i) => ({ ...obj(c), image: obj(arr(oldSpec.containers)[i]).image }));
  if (isSet(spec.initContainers) || isSet(oldSpec.initContainers)) {
    munged.initContainers = arr(spec.initContainers).map((c, i) => ({ ...obj(c), image: obj(arr(oldSpec.initContainers)[i]).image }));
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const otg = num(oldSpec.terminationGracePeriodSeconds);
  if (otg !== undefined && otg < 0 && num(munged.terminationGracePeriodSeconds) === 1) munged.terminationGracePeriodSeconds = otg;
  if (arr(oldSpec.schedulingGates).length > 0) {
    // gated pods may add to nodeSelector / node affinity; accept those changes here.
    munged.nodeSelector = oldSpec.nodeSelector;
    const na2 = obj(munged.affinity);
    if (isSet(munged.affinity) || isSet(oldSpec.affinity)) munged.affinity = { ...na2, nodeAffinity: obj(oldSpec.affinity).nodeAffinity };
  }
  if (!deepEqual(munged, oldSpec)) {
    const diff = ['  core.PodSpec{', ...specDiff(oldSpec, munged).map((l) => `  ${l}`), '  }', ''].join('\n');
    errs.push(fieldErr.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diff}`));
  }
  return errs;
}

export function validatePodStatusUpdate(pod: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateObjectMetaUpdate(pod.metadata, old.metadata));
  const status = obj(pod.status);
  const sys = new Set(['PodScheduled', 'Ready', 'Initialized']);
  arr(status.conditions).forEach((c, i) => {
    const t = str(obj(c).type);
    if (!sys.has(t)) errs.push(...validateQualifiedName(t, `metadata.conditions[${i}].Type`));
  });
  if (str(obj(pod.spec).nodeName) !== str(obj(old.spec).nodeName)) errs.push(fieldErr.forbidden('status.nodeName', 'may not be changed directly'));
  const nnn = str(status.nominatedNodeName);
  if (nnn && nnn !== str(obj(old.status).nominatedNodeName)) errs.push(...validateNameWith(nameIsDNSSubdomain, nnn, 'status.nominatedNodeName'));
  const oq = obj(old.status).qosClass;
  if (isSet(oq) && str(status.qosClass) !== str(oq)) errs.push(fieldErr.invalid('status.qosClass', str(status.qosClass), 'field is immutable'));
  arr(status.podIPs).forEach((p, i) => errs.push(...isValidIP(`status.podIPs[${i}]`, str(obj(p).ip))));
  const hostIPs = arr(status.hostIPs).map(obj);
  if (hostIPs.length > 0) {
    if (str(status.hostIP) !== str(hostIPs[0]!.ip)) errs.push(fieldErr.invalid('status.hostIPs[0].ip', str(hostIPs[0]!.ip), 'must be equal to `hostIP`'));
    hostIPs.forEach((h, i) => errs.push(...isValidIP(`status.hostIPs[${i}]`, str(h.ip))));
  }
  return errs;
}
