// PodSpec defaulting (pkg/apis/core/v1/defaults.go + the generated SetObjectDefaults_* walk), pod QoS
// computation (pkg/apis/core/helper/qos) and pod-spec warnings (pkg/api/pod/warnings.go).
import { asObj, defNum, defPtr, defStr, ensureObj, isEmpty, isNil, objs, parseQuantity, str, type Obj } from './util.js';

/** Image tag per kube's parsers.ParseImageName: "" when the reference has a digest and no tag. */
export function imageTag(image: string): string {
  let ref = image;
  const at = ref.indexOf('@');
  const hasDigest = at >= 0;
  if (hasDigest) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return ref.slice(colon + 1);
  // Untagged without digest: ParseImageName adds the "latest" tag.
  return hasDigest ? '' : 'latest';
}

function defaultHTTPGet(h: unknown): void {
  const o = asObj(h);
  if (!o) return;
  defStr(o, 'path', '/');
  defStr(o, 'scheme', 'HTTP');
}

function defaultHandler(h: unknown): void {
  const o = asObj(h);
  if (!o) return;
  defaultHTTPGet(o['httpGet']);
}

function defaultProbe(p: unknown): void {
  const o = asObj(p);
  if (!o) return;
  defNum(o, 'timeoutSeconds', 1);
  defNum(o, 'periodSeconds', 10);
  defNum(o, 'successThreshold', 1);
  defNum(o, 'failureThreshold', 3);
  defaultHTTPGet(o['httpGet']);
  const grpc = asObj(o['grpc']);
  if (grpc) defPtr(grpc, 'service', '');
}

function defaultFieldRef(v: unknown): void {
  const o = asObj(v);
  if (o) defStr(o, 'apiVersion', 'v1');
}

function defaultContainer(c: Obj): void {
  if (isNil(c['imagePullPolicy']) || c['imagePullPolicy'] === '') {
    c['imagePullPolicy'] = imageTag(str(c['image'])) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  defStr(c, 'terminationMessagePath', '/dev/termination-log');
  defStr(c, 'terminationMessagePolicy', 'File');
  for (const p of objs(c['ports'])) defStr(p, 'protocol', 'TCP');
  for (const e of objs(c['env'])) {
    const vf = asObj(e['valueFrom']);
    if (vf) defaultFieldRef(vf['fieldRef']);
  }
  defaultProbe(c['livenessProbe']);
  defaultProbe(c['readinessProbe']);
  defaultProbe(c['startupProbe']);
  const lc = asObj(c['lifecycle']);
  if (lc) {
    defaultHandler(lc['postStart']);
    defaultHandler(lc['preStop']);
  }
  // ResourceRequirements is a struct in Go: always serialized, as {} when empty.
  if (!asObj(c['resources'])) c['resources'] = {};
}

export function defaultPVCSpec(spec: unknown): void {
  const o = asObj(spec);
  if (o) defPtr(o, 'volumeMode', 'Filesystem');
}

/** Volume source defaulting, shared by pod volumes and PV sources. */
export function defaultVolumeSources(v: Obj): void {
  const hostPath = asObj(v['hostPath']);
  if (hostPath) defPtr(hostPath, 'type', '');
  for (const k of ['secret', 'configMap']) {
    const s = asObj(v[k]);
    if (s) defPtr(s, 'defaultMode', 420);
  }
  const dapi = asObj(v['downwardAPI']);
  if (dapi) {
    defPtr(dapi, 'defaultMode', 420);
    for (const it of objs(dapi['items'])) defaultFieldRef(it['fieldRef']);
  }
  const projected = asObj(v['projected']);
  if (projected) {
    defPtr(projected, 'defaultMode', 420);
    for (const src of objs(projected['sources'])) {
      const sat = asObj(src['serviceAccountToken']);
      if (sat) defPtr(sat, 'expirationSeconds', 3600);
      const d = asObj(src['downwardAPI']);
      if (d) for (const it of objs(d['items'])) defaultFieldRef(it['fieldRef']);
    }
  }
  const iscsi = asObj(v['iscsi']);
  if (iscsi) defStr(iscsi, 'iscsiInterface', 'default');
  const rbd = asObj(v['rbd']);
  if (rbd) {
    defStr(rbd, 'pool', 'rbd');
    defStr(rbd, 'user', 'admin');
    defStr(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const az = asObj(v['azureDisk']);
  if (az) {
    defPtr(az, 'cachingMode', 'ReadWrite');
    defPtr(az, 'fsType', 'ext4');
    defPtr(az, 'readOnly', false);
    defPtr(az, 'kind', 'Shared');
  }
  const scaleIO = asObj(v['scaleIO']);
  if (scaleIO) {
    defStr(scaleIO, 'storageMode', 'ThinProvisioned');
    defStr(scaleIO, 'fsType', 'xfs');
  }
  const eph = asObj(v['ephemeral']);
  const tmpl = eph ? asObj(eph['volumeClaimTemplate']) : undefined;
  if (tmpl) {
    const md = ensureObj(tmpl, 'metadata');
    if (!('creationTimestamp' in md)) md['creationTimestamp'] = null;
    defaultPVCSpec(ensureObj(tmpl, 'spec'));
  }
}

function defaultVolume(v: Obj): void {
  const hasSource = Object.entries(v).some(([k, x]) => k !== 'name' && !isNil(x));
  if (!hasSource) v['emptyDir'] = {};
  defaultVolumeSources(v);
}

function containerLists(spec: Obj): Obj[] {
  return [...objs(spec['initContainers']), ...objs(spec['containers']), ...objs(spec['ephemeralContainers'])];
}

/** SetDefaults_PodSpec plus everything nested (containers, volumes, probes...). */
export function defaultPodSpec(spec: Obj): void {
  defStr(spec, 'dnsPolicy', 'ClusterFirst');
  defStr(spec, 'restartPolicy', 'Always');
  defPtr(spec, 'securityContext', {});
  defPtr(spec, 'terminationGracePeriodSeconds', 30);
  defStr(spec, 'schedulerName', 'default-scheduler');
  for (const v of objs(spec['volumes'])) defaultVolume(v);
  for (const c of containerLists(spec)) defaultContainer(c);
}

/** PodTemplateSpec: metadata (Go always serializes creationTimestamp: null) and spec defaults. */
export function defaultPodTemplateSpec(t: unknown): void {
  const tmpl = asObj(t);
  if (!tmpl) return;
  const md = ensureObj(tmpl, 'metadata');
  if (!('creationTimestamp' in md)) md['creationTimestamp'] = null;
  defaultPodSpec(ensureObj(tmpl, 'spec'));
}

/** SetDefaults_Pod (on top of the PodSpec defaults). */
export function defaultPod(pod: Obj): void {
  const spec = ensureObj(pod, 'spec');
  defaultPodSpec(spec);
  for (const c of [...objs(spec['containers']), ...objs(spec['initContainers'])]) {
    const res = ensureObj(c, 'resources');
    const limits = asObj(res['limits']);
    if (!limits) continue;
    const requests = ensureObj(res, 'requests');
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  }
  defPtr(spec, 'enableServiceLinks', true);
  if (spec['hostNetwork'] === true) {
    for (const c of [...objs(spec['containers']), ...objs(spec['initContainers'])]) {
      for (const p of objs(c['ports'])) if (isNil(p['hostPort']) || p['hostPort'] === 0) p['hostPort'] = p['containerPort'];
    }
  }
}

// ---- QoS (k8s.io/kubernetes/pkg/apis/core/helper/qos.ComputePodQOS) ----

const QOS_RESOURCES = new Set(['cpu', 'memory']);

export function computeQOS(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let isGuaranteed = true;
  const all = [...objs(spec['containers']), ...objs(spec['initContainers'])];
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const c of all) {
    const res = asObj(c['resources']) ?? {};
    for (const [k, q] of Object.entries(asObj(res['requests']) ?? {})) {
      if (!QOS_RESOURCES.has(k)) continue;
      const n = parseQuantity(q);
      if (n !== undefined && n !== 0) add(requests, k, n);
    }
    const found = new Set<string>();
    for (const [k, q] of Object.entries(asObj(res['limits']) ?? {})) {
      if (!QOS_RESOURCES.has(k)) continue;
      const n = parseQuantity(q);
      if (n !== undefined && n !== 0) {
        found.add(k);
        add(limits, k, n);
      }
    }
    if (!(found.has('cpu') && found.has('memory'))) isGuaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (isGuaranteed) {
    for (const [k, v] of requests) {
      const l = limits.get(k);
      if (l === undefined || Math.abs(l - v) > 1e-9 * Math.max(1, Math.abs(v))) {
        isGuaranteed = false;
        break;
      }
    }
  }
  if (isGuaranteed && requests.size === limits.size) return 'Guaranteed';
  return 'Burstable';
}

// ---- warnings (pkg/api/pod/warnings.go, a common subset) ----

const DEPRECATED_NODE_LABELS: Record<string, string> = {
  'beta.kubernetes.io/arch': 'deprecated since v1.14; use "kubernetes.io/arch" instead',
  'beta.kubernetes.io/os': 'deprecated since v1.14; use "kubernetes.io/os" instead',
  'failure-domain.beta.kubernetes.io/region': 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
  'failure-domain.beta.kubernetes.io/zone': 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
  'beta.kubernetes.io/instance-type': 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
};

const DEPRECATED_ANNOTATIONS: [string, string][] = [
  ['scheduler.alpha.kubernetes.io/critical-pod', 'non-functional in v1.16+; use the "priorityClassName" field instead'],
  ['security.alpha.kubernetes.io/sysctls', 'non-functional in v1.11+; use the "sysctls" field instead'],
  ['security.alpha.kubernetes.io/unsafe-sysctls', 'non-functional in v1.11+; use the "sysctls" field instead'],
];

const DEPRECATED_VOLUMES: [string, string][] = [
  ['photonPersistentDisk', 'deprecated in v1.11, non-functional in v1.16+'],
  ['gitRepo', 'deprecated in v1.11'],
  ['scaleIO', 'deprecated in v1.16, non-functional in v1.22+'],
  ['flocker', 'deprecated in v1.22, non-functional in v1.25+'],
  ['storageos', 'deprecated in v1.22, non-functional in v1.25+'],
  ['quobyte', 'deprecated in v1.22, non-functional in v1.25+'],
  ['glusterfs', 'deprecated in v1.25, non-functional in v1.26+'],
  ['cephfs', 'deprecated in v1.28, non-functional in v1.31+'],
  ['rbd', 'deprecated in v1.28, non-functional in v1.31+'],
];

function join(prefix: string, p: string): string {
  return prefix ? `${prefix}.${p}` : p;
}

/** Warnings for a pod spec + metadata; prefix is "" for Pods or e.g. "spec.template" for templates. */
export function podSpecWarnings(prefix: string, spec: Obj, meta: Obj | undefined): string[] {
  const w: string[] = [];
  const sp = join(prefix, 'spec');
  for (const k of Object.keys(asObj(spec['nodeSelector']) ?? {})) {
    const msg = DEPRECATED_NODE_LABELS[k];
    if (msg) w.push(`${sp}.nodeSelector[${k}]: ${msg}`);
  }
  const na = asObj(asObj(spec['affinity'])?.['nodeAffinity']);
  if (na) {
    const req = asObj(na['requiredDuringSchedulingIgnoredDuringExecution']);
    objs(req?.['nodeSelectorTerms']).forEach((term, i) =>
      w.push(...termWarnings(term, `${sp}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`)),
    );
    objs(na['preferredDuringSchedulingIgnoredDuringExecution']).forEach((t, i) =>
      w.push(...termWarnings(asObj(t['preference']) ?? {}, `${sp}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`)),
    );
  }
  objs(spec['topologySpreadConstraints']).forEach((t, i) => {
    const key = str(t['topologyKey']);
    const msg = DEPRECATED_NODE_LABELS[key];
    if (msg) w.push(`${sp}.topologySpreadConstraints[${i}].topologyKey: ${key} is ${msg}`);
    if (isNil(t['labelSelector'])) w.push(`${sp}.topologySpreadConstraints[${i}].labelSelector: a null labelSelector results in matching no pod`);
  });
  const annotations = asObj(meta?.['annotations']) ?? {};
  const mp = join(prefix, 'metadata');
  for (const [key, msg] of DEPRECATED_ANNOTATIONS) if (key in annotations) w.push(`${mp}.annotations[${key}]: ${msg}`);
  objs(spec['volumes']).forEach((v, i) => {
    for (const [k, msg] of DEPRECATED_VOLUMES) if (!isNil(v[k])) w.push(`${sp}.volumes[${i}].${k}: ${msg}`);
  });
  const ips = new Set<string>();
  objs(spec['hostAliases']).forEach((h, i) => {
    const ip = str(h['ip']);
    if (ips.has(ip)) w.push(`${sp}.hostAliases[${i}].ip: duplicate ip ${JSON.stringify(ip)}`);
    else ips.add(ip);
  });
  const secrets = new Set<string>();
  const ips2 = objs(spec['imagePullSecrets']);
  if (ips2.length > 1)
    ips2.forEach((s, i) => {
      const n = str(s['name']);
      if (secrets.has(n)) w.push(`${sp}.imagePullSecrets[${i}].name: duplicate name ${JSON.stringify(n)}`);
      else secrets.add(n);
    });
  ips2.forEach((s, i) => {
    if (str(s['name']) === '') w.push(`${sp}.imagePullSecrets[${i}].name: invalid empty name ""`);
  });
  const sc = asObj(spec['securityContext']);
  if (isNil(sc?.['seccompProfile']) && 'seccomp.security.alpha.kubernetes.io/pod' in annotations) {
    w.push(`${mp}.annotations[seccomp.security.alpha.kubernetes.io/pod]: non-functional in v1.27+; use the "seccompProfile" field instead`);
  }
  const visit = (fn: (c: Obj, path: string) => void) => {
    objs(spec['initContainers']).forEach((c, i) => fn(c, `${sp}.initContainers[${i}]`));
    objs(spec['containers']).forEach((c, i) => fn(c, `${sp}.containers[${i}]`));
    objs(spec['ephemeralContainers']).forEach((c, i) => fn(c, `${sp}.ephemeralContainers[${i}]`));
  };
  visit((c, p) => {
    const key = `container.seccomp.security.alpha.kubernetes.io/${str(c['name'])}`;
    if (isNil(asObj(c['securityContext'])?.['seccompProfile']) && key in annotations) {
      w.push(`${mp}.annotations[${key}]: non-functional in v1.27+; use the "seccompProfile" field instead`);
    }
    const res = asObj(c['resources']) ?? {};
    for (const kind of ['limits', 'requests']) {
      const rl = asObj(res[kind]) ?? {};
      for (const r of ['memory', 'ephemeral-storage']) {
        if (!(r in rl)) continue;
        const n = parseQuantity(rl[r]);
        if (n !== undefined && Math.round(n * 1000) % 1000 !== 0) {
          w.push(`${p}.resources.${kind}[${r}]: fractional byte value ${JSON.stringify(String(rl[r]))} is invalid, must be an integer`);
        }
      }
    }
    const env = objs(c['env']);
    if (env.length > 1) {
      const seen = new Set<string>();
      env.forEach((e, i) => {
        const name = str(e['name']);
        if (seen.has(name)) {
          const ref = `$(${name})`;
          const value = str(e['value']);
          if (!isNil(e['valueFrom']) || value === ref || !value.includes(ref)) {
            w.push(`${p}.env[${i}]: hides previous definition of ${JSON.stringify(name)}, which may be dropped when using apply`);
          }
        } else seen.add(name);
      });
    }
  });
  return w;
}

function termWarnings(term: Obj, path: string): string[] {
  const w: string[] = [];
  objs(term['matchExpressions']).forEach((e, i) => {
    const msg = DEPRECATED_NODE_LABELS[str(e['key'])];
    if (msg) w.push(`${path}.matchExpressions[${i}].key: ${str(e['key'])} is ${msg}`);
  });
  return w;
}

export function templateWarnings(prefix: string, tmpl: unknown): string[] {
  const t = asObj(tmpl);
  if (!t) return [];
  return podSpecWarnings(prefix, asObj(t['spec']) ?? {}, asObj(t['metadata']));
}

export { isEmpty };
