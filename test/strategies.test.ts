import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../src/api/errors.js';
import type { KObject } from '../src/api/types.js';
import type { OpContext, StoreReader } from '../src/registry/strategy.js';
import type { ResourceInfo } from '../src/registry/catalog.js';
import { configureServiceAllocation, confirmServiceAllocation, strategyFor } from '../src/registry/strategies/index.js';
import { resetServiceAllocationState } from '../src/registry/strategies/service-alloc.js';

class FakeStore implements StoreReader {
  services: KObject[] = [];
  async list(group: string, resource: string): Promise<KObject[]> {
    if (group === '' && resource === 'services') return structuredClone(this.services);
    return [];
  }
  async get(): Promise<KObject | undefined> {
    return undefined;
  }
}

const svcResource: ResourceInfo = { group: '', version: 'v1', name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: [] };

function ctxFor(store: StoreReader, resource: ResourceInfo = svcResource, dryRun = false): OpContext {
  return { user: { username: 'alice', uid: 'u-1', groups: ['system:authenticated'] }, namespace: 'default', dryRun, resource, store };
}

/** default + prepareForCreate, as the store does. */
function create(group: string, resource: string, obj: KObject, ctx?: OpContext): KObject {
  const s = strategyFor(group, resource);
  const o = structuredClone(obj);
  s.default?.(o);
  s.prepareForCreate?.(o, ctx ?? ctxFor(new FakeStore()));
  return o;
}

const defaultedContainer = {
  name: 'c',
  image: 'nginx',
  imagePullPolicy: 'Always',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
};

const templateSpec = {
  containers: [defaultedContainer],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  securityContext: {},
  schedulerName: 'default-scheduler',
};

const minimalTemplate = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
const defaultedTemplate = { metadata: { creationTimestamp: null, labels: { app: 'a' } }, spec: templateSpec };

test('Pod defaulting and prepareForCreate', () => {
  const pod = create('', 'pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  assert.deepEqual(pod, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { ...templateSpec, enableServiceLinks: true },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  });
});

test('Pod containers, probes, volumes, env and resources', () => {
  const pod = create('', 'pods', {
    metadata: { name: 'p' },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80 }],
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          livenessProbe: { httpGet: { port: 80 } },
          readinessProbe: { grpc: { port: 9000 } },
          resources: { limits: { cpu: '1', memory: '1Gi' } },
        },
      ],
      initContainers: [{ name: 'i', image: 'busybox@sha256:abc', resources: { limits: { cpu: '500m' }, requests: { cpu: '100m' } } }],
      volumes: [
        { name: 'a' },
        { name: 'b', secret: { secretName: 's' } },
        { name: 'c', configMap: { name: 'cm' } },
        { name: 'd', hostPath: { path: '/x' } },
        { name: 'e', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } },
      ],
    },
  });
  const spec = pod['spec'] as Record<string, any>;
  const c = spec.containers[0];
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c.env[0].valueFrom.fieldRef, { apiVersion: 'v1', fieldPath: 'metadata.name' });
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(c.readinessProbe.grpc, { port: 9000, service: '' });
  assert.deepEqual(c.resources, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } });
  assert.equal(spec.initContainers[0].imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(spec.initContainers[0].resources.requests, { cpu: '100m' });
  assert.deepEqual(spec.volumes, [
    { name: 'a', emptyDir: {} },
    { name: 'b', secret: { secretName: 's', defaultMode: 420 } },
    { name: 'c', configMap: { name: 'cm', defaultMode: 420 } },
    { name: 'd', hostPath: { path: '/x', type: '' } },
    { name: 'e', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }], defaultMode: 420 } },
  ]);
  // init container has limits cpu only and regular has both: not Guaranteed
  assert.equal((pod['status'] as Record<string, unknown>)['qosClass'], 'Burstable');
});

test('Pod QoS Guaranteed and scheduling gates', () => {
  const pod = create('', 'pods', {
    metadata: { name: 'p' },
    spec: { schedulingGates: [{ name: 'g' }], containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1000m', memory: '1Gi' } } }] },
  });
  assert.deepEqual(pod['status'], {
    phase: 'Pending',
    qosClass: 'Guaranteed',
    conditions: [
      { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: null, reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' },
    ],
  });
});

test('Pod warnings', () => {
  const s = strategyFor('', 'pods');
  const pod: KObject = {
    metadata: { name: 'p', annotations: { 'scheduler.alpha.kubernetes.io/critical-pod': '' } },
    spec: { nodeSelector: { 'beta.kubernetes.io/os': 'linux' }, containers: [{ name: 'c', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }] },
  };
  s.default?.(pod);
  assert.deepEqual(s.warnings?.(pod, undefined, ctxFor(new FakeStore())), [
    'spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead',
    'metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]: non-functional in v1.16+; use the "priorityClassName" field instead',
    'spec.containers[0].env[1]: hides previous definition of "A", which may be dropped when using apply',
  ]);
});

test('Deployment defaulting', () => {
  const d = create('apps', 'deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'a' } }, template: minimalTemplate },
    status: { replicas: 5 },
  });
  assert.deepEqual(d, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'a' } },
      template: defaultedTemplate,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  });
});

test('Deployment Recreate gets no rollingUpdate; selector not defaulted from labels', () => {
  const d = create('apps', 'deployments', { metadata: { name: 'd' }, spec: { strategy: { type: 'Recreate' }, template: minimalTemplate } });
  const spec = d['spec'] as Record<string, unknown>;
  assert.deepEqual(spec['strategy'], { type: 'Recreate' });
  assert.equal(spec['selector'], undefined);
});

test('StatefulSet defaulting', () => {
  const s = create('apps', 'statefulsets', {
    metadata: { name: 's' },
    spec: {
      serviceName: 's',
      selector: { matchLabels: { app: 'a' } },
      template: minimalTemplate,
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  assert.deepEqual(s['spec'], {
    serviceName: 's',
    selector: { matchLabels: { app: 'a' } },
    template: defaultedTemplate,
    volumeClaimTemplates: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'www', creationTimestamp: null },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
    ],
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    replicas: 1,
    revisionHistoryLimit: 10,
  });
  assert.deepEqual(s['status'], { replicas: 0, availableReplicas: 0 });
});

test('DaemonSet defaulting and template generation', () => {
  const s = strategyFor('apps', 'daemonsets');
  const ds = create('apps', 'daemonsets', { metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'a' } }, template: minimalTemplate } });
  assert.deepEqual(ds['spec'], {
    selector: { matchLabels: { app: 'a' } },
    template: defaultedTemplate,
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    revisionHistoryLimit: 10,
  });
  assert.deepEqual(ds.metadata?.annotations, { 'deprecated.daemonset.template.generation': '1' });
  assert.deepEqual(ds['status'], { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  const upd = structuredClone(ds);
  delete upd.metadata!.annotations;
  ((upd['spec'] as any).template.spec.containers[0] as Record<string, unknown>)['image'] = 'nginx:2';
  s.default?.(upd);
  s.prepareForUpdate?.(upd, ds, ctxFor(new FakeStore()));
  assert.equal(upd.metadata?.annotations?.['deprecated.daemonset.template.generation'], '2');
});

test('Job defaulting and selector generation', () => {
  const job = create('batch', 'jobs', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'abc-123' },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx' }], restartPolicy: 'Never' } } },
  });
  const labels = {
    'batch.kubernetes.io/controller-uid': 'abc-123',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': 'abc-123',
    'job-name': 'pi',
  };
  assert.deepEqual(job, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'abc-123', labels },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      manualSelector: false,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc-123' } },
      template: { metadata: { creationTimestamp: null, labels }, spec: { ...templateSpec, restartPolicy: 'Never' } },
    },
    status: {},
  });
});

test('Job with own labels, manual selector and pod failure policy', () => {
  const job = create('batch', 'jobs', {
    metadata: { name: 'j', uid: 'u', labels: { mine: 'x' } },
    spec: {
      manualSelector: true,
      parallelism: 3,
      selector: { matchLabels: { a: 'b' } },
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
      template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }], restartPolicy: 'Never' } },
    },
  });
  const spec = job['spec'] as Record<string, any>;
  assert.deepEqual(job.metadata?.labels, { mine: 'x' });
  assert.equal(spec.completions, undefined);
  assert.equal(spec.parallelism, 3);
  assert.equal(spec.podReplacementPolicy, 'Failed');
  assert.deepEqual(spec.podFailurePolicy.rules[0].onPodConditions, [{ type: 'DisruptionTarget', status: 'True' }]);
  assert.deepEqual(spec.selector, { matchLabels: { a: 'b' } });
  assert.deepEqual(spec.template.metadata.labels, { a: 'b' });
});

test('CronJob defaulting', () => {
  const cj = create('batch', 'cronjobs', {
    metadata: { name: 'cj' },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx' }], restartPolicy: 'OnFailure' } } } } },
  });
  assert.deepEqual(cj['spec'], {
    schedule: '* * * * *',
    concurrencyPolicy: 'Allow',
    suspend: false,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
    jobTemplate: {
      metadata: { creationTimestamp: null },
      spec: { template: { metadata: { creationTimestamp: null }, spec: { ...templateSpec, restartPolicy: 'OnFailure' } } },
    },
  });
  assert.deepEqual(cj['status'], {});
});

test('Service defaulting', () => {
  const svc = create('', 'services', { metadata: { name: 's' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } });
  assert.deepEqual(svc['spec'], {
    selector: { app: 'a' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  assert.deepEqual(svc['status'], { loadBalancer: {} });
  const lb = create('', 'services', { metadata: { name: 'l' }, spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 'http' }] } });
  assert.deepEqual(lb['spec'], {
    type: 'LoadBalancer',
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 'http' }],
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    allocateLoadBalancerNodePorts: true,
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  const headless = create('', 'services', { metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
  assert.equal((headless['spec'] as any).ipFamilyPolicy, 'RequireDualStack');
  assert.deepEqual((headless['spec'] as any).ipFamilies, ['IPv4', 'IPv6']);
  assert.deepEqual((headless['spec'] as any).clusterIPs, ['None']);
});

test('Secret stringData folding and type', () => {
  const s = strategyFor('', 'secrets');
  const sec: KObject = { metadata: { name: 's' }, data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'hello', c: 'wörld' } };
  s.default?.(sec);
  assert.deepEqual(sec, { metadata: { name: 's' }, type: 'Opaque', data: { a: 'eA==', b: 'aGVsbG8=', c: Buffer.from('wörld').toString('base64') } });
});

test('Namespace prepare', () => {
  const s = strategyFor('', 'namespaces');
  const ns = create('', 'namespaces', { metadata: { name: 'team' } });
  assert.deepEqual(ns, { metadata: { name: 'team', labels: { 'kubernetes.io/metadata.name': 'team' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  const upd: KObject = { metadata: { name: 'team', labels: {} }, spec: { finalizers: [] }, status: { phase: 'Terminating' } };
  s.default?.(upd);
  s.prepareForUpdate?.(upd, ns, ctxFor(new FakeStore()));
  assert.deepEqual(upd, ns);
});

test('misc defaulters', () => {
  const rb = create('rbac.authorization.k8s.io', 'rolebindings', {
    roleRef: { kind: 'Role', name: 'r' },
    subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'x' }, { kind: 'Group', name: 'g' }],
  });
  assert.deepEqual(rb['roleRef'], { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual((rb['subjects'] as any[]).map((s) => s.apiGroup), ['rbac.authorization.k8s.io', '', 'rbac.authorization.k8s.io']);
  const sc = create('storage.k8s.io', 'storageclasses', { provisioner: 'x' });
  assert.equal(sc['reclaimPolicy'], 'Delete');
  assert.equal(sc['volumeBindingMode'], 'Immediate');
  const np = create('networking.k8s.io', 'networkpolicies', { spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } });
  assert.deepEqual(np['spec'], { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
  const pv = create('', 'persistentvolumes', { spec: { hostPath: { path: '/d' }, capacity: { storage: '1Gi' } } });
  assert.deepEqual(pv['spec'], { hostPath: { path: '/d', type: '' }, capacity: { storage: '1Gi' }, persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
  assert.equal((pv['status'] as any).phase, 'Pending');
  const pvc = create('', 'persistentvolumeclaims', { spec: { accessModes: ['ReadWriteOnce'] } });
  assert.deepEqual(pvc, { spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  const vwc = create('admissionregistration.k8s.io', 'validatingwebhookconfigurations', {
    webhooks: [{ name: 'w', clientConfig: { service: { name: 's', namespace: 'n' } }, rules: [{ operations: ['CREATE'] }], sideEffects: 'None', admissionReviewVersions: ['v1'] }],
  });
  assert.deepEqual((vwc['webhooks'] as any[])[0], {
    name: 'w',
    clientConfig: { service: { name: 's', namespace: 'n', port: 443 } },
    rules: [{ operations: ['CREATE'], scope: '*' }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    namespaceSelector: {},
    objectSelector: {},
    timeoutSeconds: 10,
  });
  const csr = create('certificates.k8s.io', 'certificatesigningrequests', { spec: { request: 'x', signerName: 's', username: 'mallory' } });
  assert.deepEqual(csr['spec'], { request: 'x', signerName: 's', username: 'alice', uid: 'u-1', groups: ['system:authenticated'] });
  assert.equal(strategyFor('', 'configmaps').default, undefined);
});

// ---------------- allocation ----------------

async function createSvc(store: FakeStore, spec: Record<string, unknown>, name = `s${store.services.length}`, persist = true): Promise<KObject> {
  const s = strategyFor('', 'services');
  const obj: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: structuredClone(spec) };
  const ctx = ctxFor(store);
  s.default?.(obj);
  s.prepareForCreate?.(obj, ctx);
  await s.beforeCreate?.(obj, ctx);
  if (persist) {
    store.services.push(structuredClone(obj));
    confirmServiceAllocation(obj);
  }
  return obj;
}

function resetAlloc(): void {
  configureServiceAllocation({ serviceClusterIPRange: '10.96.0.0/12', serviceNodePortRange: '30000-32767' });
  resetServiceAllocationState();
}

async function rejects(p: Promise<unknown>, code: number, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StatusError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

test('clusterIP allocation: auto, requested, conflicts, range, headless', async () => {
  resetAlloc();
  const store = new FakeStore();
  const a = await createSvc(store, { ports: [{ port: 80 }] });
  const ip = (a['spec'] as any).clusterIP as string;
  assert.match(ip, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
  assert.notEqual(ip, '10.96.0.1');
  assert.deepEqual((a['spec'] as any).clusterIPs, [ip]);
  const b = await createSvc(store, { clusterIP: '10.96.0.10', ports: [{ port: 80 }] });
  assert.deepEqual((b['spec'] as any).clusterIPs, ['10.96.0.10']);
  await rejects(
    createSvc(store, { clusterIP: '10.96.0.10', ports: [{ port: 80 }] }, 'dup'),
    422,
    'Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
  );
  await rejects(
    createSvc(store, { clusterIP: '192.168.0.1', ports: [{ port: 80 }] }, 'out'),
    422,
    'Service "out" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.0.1"}: failed to allocate IP 192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
  );
  // the kubernetes service may claim the first IP explicitly
  const k = await createSvc(store, { clusterIP: '10.96.0.1', ports: [{ port: 443 }] }, 'kubernetes');
  assert.equal((k['spec'] as any).clusterIP, '10.96.0.1');
  const h = await createSvc(store, { clusterIP: 'None', selector: { a: 'b' } }, 'headless');
  assert.deepEqual((h['spec'] as any).clusterIPs, ['None']);
  assert.deepEqual((h['spec'] as any).ipFamilies, ['IPv4']);
  const en = await createSvc(store, { type: 'ExternalName', externalName: 'example.com' }, 'ext');
  assert.equal((en['spec'] as any).clusterIP, undefined);
  assert.equal((en['spec'] as any).ipFamilies, undefined);
});

test('clusterIP allocation: small range fills up and never hands out the first IP', async () => {
  configureServiceAllocation({ serviceClusterIPRange: '10.0.0.0/29', serviceNodePortRange: '30000-32767' });
  resetServiceAllocationState();
  const store = new FakeStore();
  const got = new Set<string>();
  for (let i = 0; i < 5; i++) got.add((((await createSvc(store, { ports: [{ port: 80 }] }))['spec']) as any).clusterIP);
  assert.deepEqual([...got].sort(), ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  await rejects(createSvc(store, { ports: [{ port: 80 }] }, 'full'), 500, 'Internal error occurred: failed to allocate a serviceIP: range is full');
  resetAlloc();
});

test('concurrent creates never share an IP or nodePort', async () => {
  configureServiceAllocation({ serviceClusterIPRange: '10.0.0.0/27', serviceNodePortRange: '30000-30019' });
  resetServiceAllocationState();
  const store = new FakeStore();
  // the "store" writes after an async delay, outside the allocator's lock
  const results = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const obj = await createSvc(store, { type: 'NodePort', ports: [{ port: 80 }] }, `c${i}`, false);
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      store.services.push(structuredClone(obj));
      return obj;
    }),
  );
  const ips = results.map((r) => (r['spec'] as any).clusterIP);
  const ports = results.map((r) => (r['spec'] as any).ports[0].nodePort);
  assert.equal(new Set(ips).size, 20);
  assert.equal(new Set(ports).size, 20);
  assert.ok(ports.every((p: number) => p >= 30000 && p <= 30019));
  resetAlloc();
});

test('nodePort allocation, conflicts and range', async () => {
  resetAlloc();
  const store = new FakeStore();
  const a = await createSvc(store, { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }, { port: 443 }] });
  const ports = (a['spec'] as any).ports;
  assert.equal(ports[0].nodePort, 30080);
  assert.ok(ports[1].nodePort >= 30000 && ports[1].nodePort <= 32767 && ports[1].nodePort !== 30080);
  await rejects(
    createSvc(store, { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'dup'),
    422,
    'Service "dup" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
  );
  await rejects(
    createSvc(store, { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }, 'low'),
    422,
    'Service "low" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
  );
  // same port number over TCP and UDP shares one nodePort
  const dns = await createSvc(store, { type: 'NodePort', ports: [{ name: 'a', port: 53, protocol: 'UDP' }, { name: 'b', port: 53, protocol: 'TCP' }] }, 'dns');
  const dp = (dns['spec'] as any).ports;
  assert.equal(dp[0].nodePort, dp[1].nodePort);
  // LB without node ports
  const lb = await createSvc(store, { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] }, 'lb');
  assert.equal((lb['spec'] as any).ports[0].nodePort, undefined);
  // LB with externalTrafficPolicy Local gets a health check node port
  const lbl = await createSvc(store, { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }, 'lbl');
  assert.ok((lbl['spec'] as any).healthCheckNodePort >= 30000);
});

test('service update: type switches allocate and release; resubmission keeps allocations', async () => {
  resetAlloc();
  const store = new FakeStore();
  const s = strategyFor('', 'services');
  const created = await createSvc(store, { selector: { a: 'b' }, ports: [{ name: 'http', port: 80 }] }, 'web');
  const ip = (created['spec'] as any).clusterIP;
  const ctx = ctxFor(store);
  // resubmit the original manifest, switching to NodePort
  const upd: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', selector: { a: 'b' }, ports: [{ name: 'http', port: 80 }] } };
  s.default?.(upd);
  s.prepareForUpdate?.(upd, created, ctx);
  await s.beforeUpdate?.(upd, created, ctx);
  const us = upd['spec'] as any;
  assert.equal(us.clusterIP, ip);
  assert.deepEqual(us.clusterIPs, [ip]);
  assert.equal(us.ipFamilyPolicy, 'SingleStack');
  assert.equal(us.externalTrafficPolicy, 'Cluster');
  const np = us.ports[0].nodePort;
  assert.ok(np >= 30000);
  store.services = store.services.map((x) => (x.metadata?.name === 'web' ? structuredClone(upd) : x));
  // another service cannot take that nodePort now
  await rejects(
    createSvc(store, { type: 'NodePort', ports: [{ port: 80, nodePort: np }] }, 'other'),
    422,
    `Service "other" is invalid: spec.ports[0].nodePort: Invalid value: ${np}: provided port is already allocated`,
  );
  // back to ClusterIP: the node port and external traffic policy are dropped
  const back = structuredClone(upd);
  (back['spec'] as any).type = 'ClusterIP';
  s.default?.(back);
  s.prepareForUpdate?.(back, upd, ctx);
  await s.beforeUpdate?.(back, upd, ctx);
  assert.equal((back['spec'] as any).ports[0].nodePort, undefined);
  assert.equal((back['spec'] as any).externalTrafficPolicy, undefined);
  store.services = store.services.map((x) => (x.metadata?.name === 'web' ? structuredClone(back) : x));
  const other = await createSvc(store, { type: 'NodePort', ports: [{ port: 80, nodePort: np }] }, 'other');
  assert.equal((other['spec'] as any).ports[0].nodePort, np);
  // to ExternalName: clusterIPs dropped
  const ext = structuredClone(back);
  Object.assign(ext['spec'] as object, { type: 'ExternalName', externalName: 'x.example.com' });
  s.default?.(ext);
  s.prepareForUpdate?.(ext, back, ctx);
  await s.beforeUpdate?.(ext, back, ctx);
  const es = ext['spec'] as any;
  assert.equal(es.clusterIP, undefined);
  assert.equal(es.clusterIPs, undefined);
  assert.equal(es.ipFamilies, undefined);
  assert.equal(es.internalTrafficPolicy, undefined);
});

test('dry-run allocations reserve nothing', async () => {
  resetAlloc();
  const store = new FakeStore();
  const s = strategyFor('', 'services');
  const obj: KObject = { metadata: { name: 'dry', namespace: 'default' }, spec: { clusterIP: '10.96.5.5', ports: [{ port: 1 }] } };
  s.default?.(obj);
  s.prepareForCreate?.(obj, ctxFor(store, svcResource, true));
  await s.beforeCreate?.(obj, ctxFor(store, svcResource, true));
  const again = await createSvc(store, { clusterIP: '10.96.5.5', ports: [{ port: 1 }] }, 'real');
  assert.equal((again['spec'] as any).clusterIP, '10.96.5.5');
});
