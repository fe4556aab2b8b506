// Scheme defaulting for the external (v1...) JSON shapes, as kube-apiserver 1.32 applies on decode
// (pkg/apis/<group>/<version>/defaults.go + zz_generated.defaults.go, feature gates at 1.32 defaults).
import type { KObject } from '../../api/types.js';
import { defaultPod, defaultPodSpec, defaultPodTemplateSpec, defaultPVCSpec, defaultVolumeSources } from './podspec.js';
import { asObj, defNum, defPtr, defStr, ensureObj, isEmpty, isNil, objs, str, type Obj } from './util.js';

export type Defaulter = (obj: KObject) => void;

function spec(obj: KObject): Obj {
  return ensureObj(obj as Obj, 'spec');
}

function metadata(obj: KObject): Obj {
  return ensureObj(obj as Obj, 'metadata');
}

// ---------------- core/v1 ----------------

export const defaultPodObject: Defaulter = (obj) => defaultPod(obj as Obj);

export const defaultPodTemplate: Defaulter = (obj) => defaultPodTemplateSpec(ensureObj(obj as Obj, 'template'));

export const defaultReplicationController: Defaulter = (obj) => {
  const s = spec(obj);
  const tmpl = asObj(s['template']);
  const labels = tmpl ? asObj(asObj(tmpl['metadata'])?.['labels']) : undefined;
  if (labels) {
    if (isEmpty(s['selector'])) s['selector'] = { ...labels };
    const md = metadata(obj);
    if (isEmpty(md['labels'])) md['labels'] = { ...labels };
  }
  defPtr(s, 'replicas', 1);
  if (tmpl) defaultPodTemplateSpec(tmpl);
};

export const defaultService: Defaulter = (obj) => {
  const s = spec(obj);
  defStr(s, 'sessionAffinity', 'None');
  if (s['sessionAffinity'] === 'None') delete s['sessionAffinityConfig'];
  if (s['sessionAffinity'] === 'ClientIP') {
    const cfg = asObj(s['sessionAffinityConfig']);
    const cip = cfg ? asObj(cfg['clientIP']) : undefined;
    if (!cip || isNil(cip['timeoutSeconds'])) s['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 10800 } };
  }
  defStr(s, 'type', 'ClusterIP');
  for (const p of objs(s['ports'])) {
    defStr(p, 'protocol', 'TCP');
    const tp = p['targetPort'];
    if (isNil(tp) || tp === 0 || tp === '') p['targetPort'] = p['port'];
  }
  const type = str(s['type']);
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && !isEmpty(s['externalIPs']));
  if (externallyAccessible) defStr(s, 'externalTrafficPolicy', 'Cluster');
  if (isNil(s['internalTrafficPolicy']) && (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')) s['internalTrafficPolicy'] = 'Cluster';
  if (type === 'LoadBalancer') {
    defPtr(s, 'allocateLoadBalancerNodePorts', true);
    const lb = asObj(asObj(obj['status'])?.['loadBalancer']);
    for (const ing of objs(lb?.['ingress'])) if (str(ing['ip']) !== '' && isNil(ing['ipMode'])) ing['ipMode'] = 'VIP';
  }
};

export const defaultSecret: Defaulter = (obj) => {
  const o = obj as Obj;
  if (isNil(o['type']) || o['type'] === '') o['type'] = 'Opaque';
  // v1 -> internal conversion folds stringData into data (stringData wins) and drops it.
  const sd = asObj(o['stringData']);
  if (sd) {
    const data = ensureObj(o, 'data');
    for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(typeof v === 'string' ? v : String(v ?? ''), 'utf8').toString('base64');
  }
  if ('stringData' in o) delete o['stringData'];
};

export const defaultNamespace: Defaulter = (obj) => {
  const md = metadata(obj);
  const name = str(md['name']);
  if (name) {
    const labels = ensureObj(md, 'labels');
    labels['kubernetes.io/metadata.name'] = name;
  }
  const st = asObj(obj['status']);
  if (st) defStr(st, 'phase', 'Active');
};

export const defaultNode: Defaulter = (obj) => {
  const st = asObj(obj['status']);
  if (st && isNil(st['allocatable']) && asObj(st['capacity'])) st['allocatable'] = { ...(asObj(st['capacity']) ?? {}) };
};

export const defaultPersistentVolume: Defaulter = (obj) => {
  const s = spec(obj);
  defStr(s, 'persistentVolumeReclaimPolicy', 'Retain');
  defPtr(s, 'volumeMode', 'Filesystem');
  defaultVolumeSources(s);
  const st = asObj(obj['status']);
  if (st) defStr(st, 'phase', 'Pending');
};

export const defaultPersistentVolumeClaim: Defaulter = (obj) => {
  defaultPVCSpec(spec(obj));
  const st = asObj(obj['status']);
  if (st) defStr(st, 'phase', 'Pending');
};

export const defaultEndpoints: Defaulter = (obj) => {
  for (const ss of objs((obj as Obj)['subsets'])) for (const p of objs(ss['ports'])) defStr(p, 'protocol', 'TCP');
};

export const defaultLimitRange: Defaulter = (obj) => {
  for (const item of objs(spec(obj)['limits'])) {
    if (item['type'] !== 'Container') continue;
    const def = ensureObj(item, 'default');
    const defReq = ensureObj(item, 'defaultRequest');
    for (const [k, v] of Object.entries(asObj(item['max']) ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(asObj(item['min']) ?? {})) if (!(k in defReq)) defReq[k] = v;
    if (isEmpty(def)) delete item['default'];
    if (isEmpty(defReq)) delete item['defaultRequest'];
  }
};

// ---------------- apps/v1 ----------------

export const defaultDeployment: Defaulter = (obj) => {
  const s = spec(obj);
  defPtr(s, 'replicas', 1);
  const strategy = ensureObj(s, 'strategy');
  defStr(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    defPtr(ru, 'maxUnavailable', '25%');
    defPtr(ru, 'maxSurge', '25%');
  }
  defPtr(s, 'revisionHistoryLimit', 10);
  defPtr(s, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(ensureObj(s, 'template'));
};

export const defaultDaemonSet: Defaulter = (obj) => {
  const s = spec(obj);
  const us = ensureObj(s, 'updateStrategy');
  defStr(us, 'type', 'RollingUpdate');
  if (us['type'] === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    defPtr(ru, 'maxUnavailable', 1);
    defPtr(ru, 'maxSurge', 0);
  }
  defPtr(s, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(ensureObj(s, 'template'));
};

function defaultPVCTemplate(pvc: Obj): void {
  // Each template is a whole v1 PersistentVolumeClaim; kube serves it with apiVersion/kind and
  // the PVC defaults (status.phase Pending included).
  defStr(pvc, 'apiVersion', 'v1');
  defStr(pvc, 'kind', 'PersistentVolumeClaim');
  const md = ensureObj(pvc, 'metadata');
  if (!('creationTimestamp' in md)) md['creationTimestamp'] = null;
  defaultPVCSpec(ensureObj(pvc, 'spec'));
  defStr(ensureObj(pvc, 'status'), 'phase', 'Pending');
}

export const defaultStatefulSet: Defaulter = (obj) => {
  const s = spec(obj);
  defStr(s, 'podManagementPolicy', 'OrderedReady');
  const us = ensureObj(s, 'updateStrategy');
  if (isNil(us['type']) || us['type'] === '') {
    us['type'] = 'RollingUpdate';
    defPtr(us, 'rollingUpdate', {});
  }
  const ru = asObj(us['rollingUpdate']);
  if (us['type'] === 'RollingUpdate' && ru) defPtr(ru, 'partition', 0);
  const ret = ensureObj(s, 'persistentVolumeClaimRetentionPolicy');
  defStr(ret, 'whenDeleted', 'Retain');
  defStr(ret, 'whenScaled', 'Retain');
  defPtr(s, 'replicas', 1);
  defPtr(s, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(ensureObj(s, 'template'));
  for (const pvc of objs(s['volumeClaimTemplates'])) defaultPVCTemplate(pvc);
};

export const defaultReplicaSet: Defaulter = (obj) => {
  const s = spec(obj);
  defPtr(s, 'replicas', 1);
  defaultPodTemplateSpec(ensureObj(s, 'template'));
};

// ---------------- batch/v1 ----------------

function defaultPodFailurePolicy(jobSpec: Obj): void {
  const pfp = asObj(jobSpec['podFailurePolicy']);
  for (const rule of objs(pfp?.['rules'])) for (const pat of objs(rule['onPodConditions'])) defStr(pat, 'status', 'True');
}

export const defaultJob: Defaulter = (obj) => {
  const s = spec(obj);
  if (isNil(s['completions']) && isNil(s['parallelism'])) {
    s['completions'] = 1;
    s['parallelism'] = 1;
  }
  defPtr(s, 'parallelism', 1);
  if (isNil(s['backoffLimit'])) s['backoffLimit'] = isNil(s['backoffLimitPerIndex']) ? 6 : 2147483647;
  const tmpl = ensureObj(s, 'template');
  const tlabels = asObj(asObj(tmpl['metadata'])?.['labels']);
  const md = metadata(obj);
  if (tlabels && isEmpty(md['labels'])) md['labels'] = { ...tlabels };
  defPtr(s, 'completionMode', 'NonIndexed');
  defPtr(s, 'suspend', false);
  if (isNil(s['podReplacementPolicy'])) s['podReplacementPolicy'] = isNil(s['podFailurePolicy']) ? 'TerminatingOrFailed' : 'Failed';
  defPtr(s, 'manualSelector', false);
  defaultPodFailurePolicy(s);
  defaultPodTemplateSpec(tmpl);
};

export const defaultCronJob: Defaulter = (obj) => {
  const s = spec(obj);
  defStr(s, 'concurrencyPolicy', 'Allow');
  defPtr(s, 'suspend', false);
  defPtr(s, 'successfulJobsHistoryLimit', 3);
  defPtr(s, 'failedJobsHistoryLimit', 1);
  const jt = ensureObj(s, 'jobTemplate');
  const jmd = ensureObj(jt, 'metadata');
  if (!('creationTimestamp' in jmd)) jmd['creationTimestamp'] = null;
  const js = ensureObj(jt, 'spec');
  defaultPodFailurePolicy(js);
  defaultPodTemplateSpec(ensureObj(js, 'template'));
};

// ---------------- autoscaling ----------------

function scalingRules(from: Obj | undefined, def: Obj): Obj {
  const to: Obj = { ...def };
  if (!from) return to;
  if (!isNil(from['selectPolicy'])) to['selectPolicy'] = from['selectPolicy'];
  if (!isNil(from['stabilizationWindowSeconds'])) to['stabilizationWindowSeconds'] = from['stabilizationWindowSeconds'];
  if (!isNil(from['policies'])) to['policies'] = from['policies'];
  return to;
}

export const defaultHPA: Defaulter = (obj) => {
  const s = spec(obj);
  defPtr(s, 'minReplicas', 1);
  if (str(obj.apiVersion) === 'autoscaling/v1') {
    // v1 has no metrics; stored as v2, the CPU default reappears as targetCPUUtilizationPercentage.
    defPtr(s, 'targetCPUUtilizationPercentage', 80);
    return;
  }
  if (isEmpty(s['metrics'])) {
    s['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const b = asObj(s['behavior']);
  if (b) {
    b['scaleUp'] = scalingRules(asObj(b['scaleUp']), {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    b['scaleDown'] = scalingRules(asObj(b['scaleDown']), { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  }
};

// ---------------- networking, discovery ----------------

export const defaultNetworkPolicy: Defaulter = (obj) => {
  const s = spec(obj);
  for (const dir of ['ingress', 'egress']) for (const rule of objs(s[dir])) for (const p of objs(rule['ports'])) defPtr(p, 'protocol', 'TCP');
  if (isEmpty(s['policyTypes'])) {
    s['policyTypes'] = isEmpty(s['egress']) ? ['Ingress'] : ['Ingress', 'Egress'];
  }
};

export const defaultIngressClass: Defaulter = (obj) => {
  const p = asObj(spec(obj)['parameters']);
  if (p) defPtr(p, 'scope', 'Cluster');
};

export const defaultEndpointSlice: Defaulter = (obj) => {
  for (const p of objs((obj as Obj)['ports'])) {
    defPtr(p, 'name', '');
    defPtr(p, 'protocol', 'TCP');
  }
};

// ---------------- rbac ----------------

function defaultSubjects(obj: KObject): void {
  for (const s of objs((obj as Obj)['subjects'])) {
    if (isNil(s['apiGroup']) || s['apiGroup'] === '') {
      if (s['kind'] === 'ServiceAccount') s['apiGroup'] = '';
      else if (s['kind'] === 'User' || s['kind'] === 'Group') s['apiGroup'] = 'rbac.authorization.k8s.io';
    }
  }
}

export const defaultRoleBinding: Defaulter = (obj) => {
  const rr = ensureObj(obj as Obj, 'roleRef');
  defStr(rr, 'apiGroup', 'rbac.authorization.k8s.io');
  defaultSubjects(obj);
};

// ---------------- storage ----------------

export const defaultStorageClass: Defaulter = (obj) => {
  const o = obj as Obj;
  defPtr(o, 'reclaimPolicy', 'Delete');
  defPtr(o, 'volumeBindingMode', 'Immediate');
};

export const defaultCSIDriver: Defaulter = (obj) => {
  const s = spec(obj);
  defPtr(s, 'attachRequired', true);
  defPtr(s, 'podInfoOnMount', false);
  defPtr(s, 'storageCapacity', false);
  defPtr(s, 'fsGroupPolicy', 'ReadWriteOnceWithFSType');
  if (isEmpty(s['volumeLifecycleModes'])) s['volumeLifecycleModes'] = ['Persistent'];
  defPtr(s, 'requiresRepublish', false);
  defPtr(s, 'seLinuxMount', false);
};

export const defaultVolumeAttachment: Defaulter = (obj) => {
  const src = asObj(spec(obj)['source']);
  const inline = src ? asObj(src['inlineVolumeSpec']) : undefined;
  if (inline) {
    defStr(inline, 'persistentVolumeReclaimPolicy', 'Retain');
    defPtr(inline, 'volumeMode', 'Filesystem');
    defaultVolumeSources(inline);
  }
};

// ---------------- scheduling, policy, flowcontrol ----------------

export const defaultPriorityClass: Defaulter = (obj) => defPtr(obj as Obj, 'preemptionPolicy', 'PreemptLowerPriority');

export const defaultFlowSchema: Defaulter = (obj) => {
  const s = spec(obj);
  defNum(s, 'matchingPrecedence', 1000);
};

export const defaultPriorityLevelConfiguration: Defaulter = (obj) => {
  const s = spec(obj);
  const ex = asObj(s['exempt']);
  if (ex) {
    defPtr(ex, 'nominalConcurrencyShares', 0);
    defPtr(ex, 'lendablePercent', 0);
  }
  const lim = asObj(s['limited']);
  if (lim) {
    const v1 = str(obj.apiVersion) === 'flowcontrol.apiserver.k8s.io/v1';
    if (v1) defPtr(lim, 'nominalConcurrencyShares', 30);
    else defNum(lim, 'nominalConcurrencyShares', 30);
    defPtr(lim, 'lendablePercent', 0);
    const lr = asObj(lim['limitResponse']);
    const q = lr ? asObj(lr['queuing']) : undefined;
    if (q) {
      defNum(q, 'handSize', 8);
      defNum(q, 'queues', 64);
      defNum(q, 'queueLengthLimit', 50);
    }
  }
};

// ---------------- admissionregistration ----------------

function defaultRule(r: Obj): void {
  defPtr(r, 'scope', '*');
}

function defaultWebhook(w: Obj, mutating: boolean): void {
  defPtr(w, 'failurePolicy', 'Fail');
  defPtr(w, 'matchPolicy', 'Equivalent');
  defPtr(w, 'namespaceSelector', {});
  defPtr(w, 'objectSelector', {});
  defPtr(w, 'timeoutSeconds', 10);
  if (mutating) defPtr(w, 'reinvocationPolicy', 'Never');
  for (const r of objs(w['rules'])) defaultRule(r);
  const cc = asObj(w['clientConfig']);
  const svc = cc ? asObj(cc['service']) : undefined;
  if (svc) defPtr(svc, 'port', 443);
}

export const defaultValidatingWebhookConfiguration: Defaulter = (obj) => {
  for (const w of objs((obj as Obj)['webhooks'])) defaultWebhook(w, false);
};

export const defaultMutatingWebhookConfiguration: Defaulter = (obj) => {
  for (const w of objs((obj as Obj)['webhooks'])) defaultWebhook(w, true);
};

function defaultMatchResources(m: Obj): void {
  defPtr(m, 'matchPolicy', 'Equivalent');
  defPtr(m, 'namespaceSelector', {});
  defPtr(m, 'objectSelector', {});
  for (const r of [...objs(m['resourceRules']), ...objs(m['excludeResourceRules'])]) defaultRule(r);
}

export const defaultValidatingAdmissionPolicy: Defaulter = (obj) => {
  const s = spec(obj);
  defPtr(s, 'failurePolicy', 'Fail');
  const mc = asObj(s['matchConstraints']);
  if (mc) defaultMatchResources(mc);
};

export const defaultValidatingAdmissionPolicyBinding: Defaulter = (obj) => {
  const s = spec(obj);
  const mr = asObj(s['matchResources']);
  if (mr) defaultMatchResources(mr);
  const pr = asObj(s['paramRef']);
  if (pr && str(obj.apiVersion).endsWith('/v1alpha1')) defPtr(pr, 'parameterNotFoundAction', 'Deny');
};

export const defaultMutatingAdmissionPolicy: Defaulter = (obj) => {
  const s = spec(obj);
  defPtr(s, 'failurePolicy', 'Fail');
  const mc = asObj(s['matchConstraints']);
  if (mc) defaultMatchResources(mc);
};

// ---------------- table ----------------

/** "group/resource" -> defaulter. */
export const DEFAULTERS: Record<string, Defaulter> = {
  '/pods': defaultPodObject,
  '/podtemplates': defaultPodTemplate,
  '/replicationcontrollers': defaultReplicationController,
  '/services': defaultService,
  '/secrets': defaultSecret,
  '/namespaces': defaultNamespace,
  '/nodes': defaultNode,
  '/persistentvolumes': defaultPersistentVolume,
  '/persistentvolumeclaims': defaultPersistentVolumeClaim,
  '/endpoints': defaultEndpoints,
  '/limitranges': defaultLimitRange,
  'apps/deployments': defaultDeployment,
  'apps/daemonsets': defaultDaemonSet,
  'apps/statefulsets': defaultStatefulSet,
  'apps/replicasets': defaultReplicaSet,
  'batch/jobs': defaultJob,
  'batch/cronjobs': defaultCronJob,
  'autoscaling/horizontalpodautoscalers': defaultHPA,
  'networking.k8s.io/networkpolicies': defaultNetworkPolicy,
  'networking.k8s.io/ingressclasses': defaultIngressClass,
  'discovery.k8s.io/endpointslices': defaultEndpointSlice,
  'rbac.authorization.k8s.io/rolebindings': defaultRoleBinding,
  'rbac.authorization.k8s.io/clusterrolebindings': defaultRoleBinding,
  'storage.k8s.io/storageclasses': defaultStorageClass,
  'storage.k8s.io/csidrivers': defaultCSIDriver,
  'storage.k8s.io/volumeattachments': defaultVolumeAttachment,
  'scheduling.k8s.io/priorityclasses': defaultPriorityClass,
  'flowcontrol.apiserver.k8s.io/flowschemas': defaultFlowSchema,
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations': defaultPriorityLevelConfiguration,
  'admissionregistration.k8s.io/validatingwebhookconfigurations': defaultValidatingWebhookConfiguration,
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': defaultMutatingWebhookConfiguration,
  'admissionregistration.k8s.io/validatingadmissionpolicies': defaultValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/validatingadmissionpolicybindings': defaultValidatingAdmissionPolicyBinding,
  'admissionregistration.k8s.io/mutatingadmissionpolicies': defaultMutatingAdmissionPolicy,
};

export { defaultPodSpec };
