// Per-type strategies (pkg/registry/<group>/<resource>/strategy.go): defaulting, create/update
// preparation, warnings and Service IP/NodePort allocation. Validation lives in ../validation and is
// merged in by the store; these Strategy objects never carry validate* methods.
import type { KObject } from '../../api/types.js';
import type { OpContext, Strategy } from '../strategy.js';
import { DEFAULTERS } from './defaults.js';
import { computeQOS, podSpecWarnings, templateWarnings } from './podspec.js';
import {
  allocateServiceCreate,
  allocateServiceUpdate,
  initIPFamilyFields,
  needsClusterIP,
  needsHCNodePort,
  needsNodePort,
  normalizeClusterIPs,
  patchAllocatedValues,
} from './service-alloc.js';
import { asObj, ensureObj, isEmpty, isNil, jsonEqual, objs, str, type Obj } from './util.js';

export {
  configureServiceAllocation,
  confirmServiceAllocation,
  releaseServiceAllocation,
  kubernetesServiceIP,
} from './service-alloc.js';


function o(obj: KObject): Obj {
  return obj as Obj;
}

function specOf(obj: KObject): Obj {
  return ensureObj(o(obj), 'spec');
}

function metaOf(obj: KObject): Obj {
  return ensureObj(o(obj), 'metadata');
}

/** Replace status with a fresh value (Go zero-value struct as kube serializes it). */
function resetStatus(obj: KObject, status: Obj): void {
  o(obj)['status'] = status;
}

function keepOldStatus(obj: KObject, old: KObject): void {
  if (old['status'] === undefined) delete o(obj)['status'];
  else o(obj)['status'] = structuredClone(old['status']);
}

// ---------------- workloads ----------------

function workload(kind: string, createStatus: () => Obj, templatePath: (obj: KObject) => unknown, defaulter: (obj: KObject) => void): Strategy {
  return {
    default: defaulter,
    prepareForCreate(obj) {
      resetStatus(obj, createStatus());
    },
    prepareForUpdate(obj, old) {
      keepOldStatus(obj, old);
    },
    warnings(obj, old) {
      if (old && jsonEqual(templatePath(obj), templatePath(old))) return [];
      return templateWarnings(kind, templatePath(obj));
    },
  };
}

const tmplOf = (obj: KObject): unknown => asObj(o(obj)['spec'])?.['template'];

// ---------------- pods ----------------

const podStrategy: Strategy = {
  default: DEFAULTERS['/pods'],
  prepareForCreate(obj) {
    const spec = specOf(obj);
    const status: Obj = { phase: 'Pending', qosClass: computeQOS(spec) };
    if (!isEmpty(spec['schedulingGates'])) {
      status['conditions'] = [
        {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: null,
          reason: 'SchedulingGated',
          message: 'Scheduling is blocked due to non-empty scheduling gates',
        },
      ];
    }
    resetStatus(obj, status);
  },
  prepareForUpdate(obj, old) {
    keepOldStatus(obj, old);
  },
  prepareForStatusUpdate(obj, old) {
    // pods/status may not touch owner references (old kubelets corrupt them).
    const md = metaOf(obj);
    const oldRefs = old.metadata?.ownerReferences;
    if (oldRefs === undefined) delete md['ownerReferences'];
    else md['ownerReferences'] = structuredClone(oldRefs);
  },
  warnings(obj, old) {
    const spec = asObj(o(obj)['spec']) ?? {};
    const w = podSpecWarnings('', spec, asObj(o(obj)['metadata']));
    const tgp = spec['terminationGracePeriodSeconds'];
    if (typeof tgp === 'number' && tgp < 0) w.push('spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1');
    if (old) {
      const oldW = new Set(podSpecWarnings('', asObj(o(old)['spec']) ?? {}, asObj(o(old)['metadata'])));
      return w.filter((x) => !oldW.has(x));
    }
    return w;
  },
};

// ---------------- jobs ----------------

function generateJobSelector(obj: KObject): void {
  const spec = specOf(obj);
  if (spec['manualSelector'] === true) return;
  const md = metaOf(obj);
  const uid = str(md['uid']);
  const name = str(md['name']);
  const tmpl = ensureObj(spec, 'template');
  const tmd = ensureObj(tmpl, 'metadata');
  const before = asObj(tmd['labels']);
  const jobLabelsWereTemplate = isEmpty(md['labels']) || (before !== undefined && jsonEqual(md['labels'], before));
  const labels = ensureObj(tmd, 'labels');
  for (const k of ['job-name', 'batch.kubernetes.io/job-name']) if (!(k in labels)) labels[k] = name;
  for (const k of ['controller-uid', 'batch.kubernetes.io/controller-uid']) if (!(k in labels)) labels[k] = uid;
  const sel = ensureObj(spec, 'selector');
  const ml = ensureObj(sel, 'matchLabels');
  if (!('batch.kubernetes.io/controller-uid' in ml)) ml['batch.kubernetes.io/controller-uid'] = uid;
  // kube's defaulter aliases the Job's labels to the template's (and re-defaults on read from
  // storage), so a Job without labels of its own ends up carrying the generated labels too.
  if (jobLabelsWereTemplate) md['labels'] = { ...labels };
}

const jobStrategy: Strategy = {
  default: DEFAULTERS['batch/jobs'],
  prepareForCreate(obj) {
    generateJobSelector(obj);
    resetStatus(obj, {});
  },
  prepareForUpdate(obj, old) {
    keepOldStatus(obj, old);
  },
  warnings(obj, old) {
    const w: string[] = [];
    const name = obj.metadata?.name ?? '';
    if (!old) {
      const msgs = dns1123LabelErrors(name);
      if (msgs.length) w.push(`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`);
    }
    if (old && jsonEqual(tmplOf(obj), tmplOf(old))) return w;
    return [...w, ...templateWarnings('spec.template', tmplOf(obj))];
  },
  allowUnconditionalUpdate: true,
};

function dns1123LabelErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs;
}

const cronJobStrategy: Strategy = {
  default: DEFAULTERS['batch/cronjobs'],
  prepareForCreate(obj) {
    resetStatus(obj, {});
  },
  prepareForUpdate(obj, old) {
    keepOldStatus(obj, old);
  },
  warnings(obj, old) {
    const t = (x: KObject) => asObj(asObj(asObj(o(x)['spec'])?.['jobTemplate'])?.['spec'])?.['template'];
    if (old && jsonEqual(t(obj), t(old))) return [];
    return templateWarnings('spec.jobTemplate.spec.template', t(obj));
  },
};

// ---------------- daemonsets (templateGeneration annotation) ----------------

const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

function templateGeneration(obj: KObject): number {
  const v = obj.metadata?.annotations?.[TEMPLATE_GENERATION];
  const n = v === undefined ? 0 : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}

function setTemplateGeneration(obj: KObject, n: number): void {
  const md = metaOf(obj);
  const ann = ensureObj(md, 'annotations');
  ann[TEMPLATE_GENERATION] = String(n);
}

const daemonSetStrategy: Strategy = {
  ...workload('spec.template', () => ({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }), tmplOf, DEFAULTERS['apps/daemonsets']!),
  prepareForCreate(obj) {
    resetStatus(obj, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
    if (templateGeneration(obj) < 1) setTemplateGeneration(obj, 1);
  },
  prepareForUpdate(obj, old) {
    keepOldStatus(obj, old);
    let gen = templateGeneration(old);
    if (!jsonEqual(tmplOf(obj), tmplOf(old))) gen += 1;
    if (gen > 0) setTemplateGeneration(obj, gen);
    else {
      const ann = asObj(metaOf(obj)['annotations']);
      if (ann) delete ann[TEMPLATE_GENERATION];
    }
  },
};

// ---------------- namespaces ----------------

const namespaceStrategy: Strategy = {
  default: DEFAULTERS['/namespaces'],
  prepareForCreate(obj) {
    const spec = specOf(obj);
    const fins = Array.isArray(spec['finalizers']) ? (spec['finalizers'] as unknown[]) : [];
    if (!fins.includes('kubernetes')) spec['finalizers'] = [...fins, 'kubernetes'];
    resetStatus(obj, { phase: 'Active' });
    setNamespaceNameLabel(obj);
  },
  prepareForUpdate(obj, old) {
    const spec = specOf(obj);
    const oldSpec = asObj(o(old)['spec']);
    if (oldSpec && oldSpec['finalizers'] !== undefined) spec['finalizers'] = structuredClone(oldSpec['finalizers']);
    else delete spec['finalizers'];
    keepOldStatus(obj, old);
    setNamespaceNameLabel(obj);
  },
  prepareForStatusUpdate(obj) {
    setNamespaceNameLabel(obj);
  },
};

function setNamespaceNameLabel(obj: KObject): void {
  const md = metaOf(obj);
  const name = str(md['name']);
  if (!name) return;
  ensureObj(md, 'labels')['kubernetes.io/metadata.name'] = name;
}

// ---------------- services ----------------

function dropTypeDependentFields(spec: Obj, oldSpec: Obj, obj: KObject, old: KObject): void {
  const same = (k: string) => jsonEqual(spec[k], oldSpec[k]);
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (same('clusterIPs')) {
      delete spec['clusterIP'];
      delete spec['clusterIPs'];
    }
    if (same('ipFamilies')) delete spec['ipFamilies'];
    if (same('ipFamilyPolicy')) delete spec['ipFamilyPolicy'];
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    const np = (s: Obj) => objs(s['ports']).map((p) => p['nodePort'] ?? 0);
    if (jsonEqual(np(spec), np(oldSpec))) for (const p of objs(spec['ports'])) delete p['nodePort'];
  }
  if (needsHCNodePort(oldSpec) && !needsHCNodePort(spec)) {
    if (same('healthCheckNodePort')) delete spec['healthCheckNodePort'];
  }
  const oldType = str(oldSpec['type']);
  const type = str(spec['type']);
  if (oldType === 'LoadBalancer' && type !== 'LoadBalancer') {
    if (!isNil(spec['allocateLoadBalancerNodePorts']) && !isNil(oldSpec['allocateLoadBalancerNodePorts']) && same('allocateLoadBalancerNodePorts')) {
      delete spec['allocateLoadBalancerNodePorts'];
    }
    if (same('loadBalancerClass')) delete spec['loadBalancerClass'];
    const st = asObj(o(obj)['status']);
    if (st) st['loadBalancer'] = {};
  }
  const ext = (s: Obj) => {
    const t = str(s['type']);
    return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && !isEmpty(s['externalIPs']));
  };
  if (ext(oldSpec) && !ext(spec) && same('externalTrafficPolicy')) delete spec['externalTrafficPolicy'];
  void old;
}

const serviceStrategy: Strategy = {
  default: DEFAULTERS['/services'],
  prepareForCreate(obj) {
    resetStatus(obj, { loadBalancer: {} });
    const spec = specOf(obj);
    normalizeClusterIPs(spec, undefined);
    initIPFamilyFields(spec, undefined);
  },
  prepareForUpdate(obj, old) {
    keepOldStatus(obj, old);
    const spec = specOf(obj);
    const oldSpec = asObj(o(old)['spec']) ?? {};
    patchAllocatedValues(spec, oldSpec);
    normalizeClusterIPs(spec, oldSpec);
    dropTypeDependentFields(spec, oldSpec, obj, old);
    initIPFamilyFields(spec, oldSpec);
    // ExternalName never carries internalTrafficPolicy (kube drops it on read).
    if (!needsClusterIP(spec)) delete spec['internalTrafficPolicy'];
  },
  beforeCreate(obj: KObject, ctx: OpContext) {
    return allocateServiceCreate(obj, ctx);
  },
  beforeUpdate(obj: KObject, old: KObject, ctx: OpContext) {
    return allocateServiceUpdate(obj, old, ctx);
  },
  allowCreateOnUpdate: true,
};

// ---------------- misc ----------------

function statusOnCreate(status: () => Obj, extra?: Partial<Strategy>): Strategy {
  return {
    prepareForCreate(obj) {
      resetStatus(obj, status());
    },
    prepareForUpdate(obj, old) {
      keepOldStatus(obj, old);
    },
    ...extra,
  };
}

const csrStrategy: Strategy = {
  prepareForCreate(obj, ctx) {
    const spec = specOf(obj);
    delete spec['username'];
    delete spec['uid'];
    delete spec['groups'];
    delete spec['extra'];
    const u = ctx.user;
    if (u.username) spec['username'] = u.username;
    if (u.uid) spec['uid'] = u.uid;
    if (u.groups.length) spec['groups'] = [...u.groups];
    if (u.extra && Object.keys(u.extra).length) spec['extra'] = structuredClone(u.extra);
    resetStatus(obj, {});
  },
  prepareForUpdate(obj, old) {
    // The main endpoint may change metadata only.
    const oldSpec = o(old)['spec'];
    if (oldSpec === undefined) delete o(obj)['spec'];
    else o(obj)['spec'] = structuredClone(oldSpec);
    keepOldStatus(obj, old);
  },
  prepareForStatusUpdate(obj, old) {
    if (!isNil(o(old)['spec'])) o(obj)['spec'] = structuredClone(o(old)['spec']);
  },
};

const pvStrategy: Strategy = {
  default: DEFAULTERS['/persistentvolumes'],
  prepareForCreate(obj) {
    resetStatus(obj, { phase: 'Pending', lastPhaseTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
  },
  prepareForUpdate(obj, old) {
    keepOldStatus(obj, old);
  },
  prepareForStatusUpdate(obj, old) {
    const st = asObj(o(obj)['status']);
    const oldSt = asObj(o(old)['status']);
    if (st && str(st['phase']) !== str(oldSt?.['phase'])) {
      st['lastPhaseTransitionTime'] = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    }
  },
};

const STRATEGIES: Record<string, Strategy> = {
  '/pods': podStrategy,
  '/services': serviceStrategy,
  '/namespaces': namespaceStrategy,
  '/persistentvolumes': pvStrategy,
  '/persistentvolumeclaims': { default: DEFAULTERS['/persistentvolumeclaims'], ...statusOnCreate(() => ({ phase: 'Pending' })) },
  '/replicationcontrollers': workload('spec.template', () => ({ replicas: 0 }), tmplOf, DEFAULTERS['/replicationcontrollers']!),
  '/podtemplates': {
    default: DEFAULTERS['/podtemplates'],
    warnings(obj, old) {
      const t = (x: KObject) => o(x)['template'];
      if (old && jsonEqual(t(obj), t(old))) return [];
      return templateWarnings('template', t(obj));
    },
  },
  '/resourcequotas': statusOnCreate(() => ({})),
  'apps/deployments': workload('spec.template', () => ({}), tmplOf, DEFAULTERS['apps/deployments']!),
  'apps/replicasets': workload('spec.template', () => ({ replicas: 0 }), tmplOf, DEFAULTERS['apps/replicasets']!),
  'apps/statefulsets': workload('spec.template', () => ({ replicas: 0, availableReplicas: 0 }), tmplOf, DEFAULTERS['apps/statefulsets']!),
  'apps/daemonsets': daemonSetStrategy,
  'batch/jobs': jobStrategy,
  'batch/cronjobs': cronJobStrategy,
  'autoscaling/horizontalpodautoscalers': {
    default: DEFAULTERS['autoscaling/horizontalpodautoscalers'],
    ...statusOnCreate(() => ({ desiredReplicas: 0 })),
    prepareForCreate(obj) {
      resetStatus(obj, str(obj.apiVersion) === 'autoscaling/v1' ? { currentReplicas: 0, desiredReplicas: 0 } : { desiredReplicas: 0 });
    },
  },
  'policy/poddisruptionbudgets': statusOnCreate(() => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 })),
  'networking.k8s.io/ingresses': statusOnCreate(() => ({ loadBalancer: {} })),
  'certificates.k8s.io/certificatesigningrequests': csrStrategy,
  'flowcontrol.apiserver.k8s.io/flowschemas': { default: DEFAULTERS['flowcontrol.apiserver.k8s.io/flowschemas'], ...statusOnCreate(() => ({})) },
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations': {
    default: DEFAULTERS['flowcontrol.apiserver.k8s.io/prioritylevelconfigurations'],
    ...statusOnCreate(() => ({})),
  },
  'admissionregistration.k8s.io/validatingadmissionpolicies': {
    default: DEFAULTERS['admissionregistration.k8s.io/validatingadmissionpolicies'],
    ...statusOnCreate(() => ({})),
  },
  'admissionregistration.k8s.io/mutatingadmissionpolicies': {
    default: DEFAULTERS['admissionregistration.k8s.io/mutatingadmissionpolicies'],
  },
  'storage.k8s.io/volumeattachments': { default: DEFAULTERS['storage.k8s.io/volumeattachments'], ...statusOnCreate(() => ({ attached: false })) },
};

/** Resources whose kube strategy answers AllowCreateOnUpdate() == true (besides services). */
const CREATE_ON_UPDATE = new Set([
  '/endpoints',
  '/events',
  'events.k8s.io/events',
  'rbac.authorization.k8s.io/roles',
  'rbac.authorization.k8s.io/rolebindings',
  'rbac.authorization.k8s.io/clusterroles',
  'rbac.authorization.k8s.io/clusterrolebindings',
]);

/** The strategy for a built-in resource; a no-op strategy for resources without special behaviour. */
export function strategyFor(group: string, resource: string): Strategy {
  const key = `${group}/${resource}`;
  const s = STRATEGIES[key];
  if (s) return s;
  const d = DEFAULTERS[key];
  if (d) return { default: d, ...(CREATE_ON_UPDATE.has(key) ? { allowCreateOnUpdate: true } : {}) };
  return CREATE_ON_UPDATE.has(key) ? { allowCreateOnUpdate: true } : {};
}
