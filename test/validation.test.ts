import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../src/api/field-errors.js';
import type { KObject } from '../src/api/types.js';
import type { ResourceInfo } from '../src/registry/catalog.js';
import type { OpContext } from '../src/registry/strategy.js';
import { cronParseError, isDNS1123Subdomain, validateObjectMetaName, validatorFor } from '../src/registry/validation/index.js';

function ctx(group: string, resource: string, namespaced = true, version = 'v1'): OpContext {
  const r: ResourceInfo = { group, version, name: resource, singularName: resource, namespaced, kind: 'X', verbs: [] };
  return {
    user: { username: 'admin', groups: [] },
    namespace: namespaced ? 'default' : undefined,
    dryRun: false,
    resource: r,
    store: { list: async () => [], get: async () => undefined },
  };
}
function create(group: string, resource: string, o: KObject, namespaced = true): string[] {
  return validatorFor(group, resource).validate(o, ctx(group, resource, namespaced)).map(fieldErrorString);
}
function update(group: string, resource: string, o: KObject, old: KObject, namespaced = true): string[] {
  return validatorFor(group, resource).validateUpdate(o, old, ctx(group, resource, namespaced)).map(fieldErrorString);
}
function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const meta = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: 'default',
  uid: '4b1b1d6a-0000-4000-8000-000000000001',
  resourceVersion: '10',
  creationTimestamp: '2024-01-01T00:00:00Z',
  ...extra,
});

const container = {
  name: 'web',
  image: 'nginx:1.27',
  ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
  env: [{ name: 'MODE', value: 'prod' }, { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
  volumeMounts: [{ name: 'data', mountPath: '/data' }],
  livenessProbe: { httpGet: { path: '/healthz', port: 80, scheme: 'HTTP' }, initialDelaySeconds: 3, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
};
const podSpec = {
  containers: [container],
  volumes: [{ name: 'data', emptyDir: {} }],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  serviceAccountName: 'default',
  securityContext: {},
  schedulerName: 'default-scheduler',
  enableServiceLinks: true,
  preemptionPolicy: 'PreemptLowerPriority',
  priority: 0,
};
const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: meta('web-0', { labels: { app: 'web' } }), spec: podSpec };

const deployment: KObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta('web', { generation: 1 }),
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: podSpec },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  },
};

test('valid defaulted objects pass', () => {
  assert.deepEqual(create('', 'pods', pod), []);
  assert.deepEqual(create('apps', 'deployments', deployment), []);
  assert.deepEqual(
    create('', 'services', {
      metadata: meta('web'),
      spec: {
        type: 'ClusterIP',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }],
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
        ipFamilyPolicy: 'SingleStack',
        ipFamilies: ['IPv4'],
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
      },
    }),
    [],
  );
  assert.deepEqual(
    create('batch', 'jobs', {
      metadata: meta('pi'),
      spec: {
        parallelism: 1,
        completions: 1,
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        suspend: false,
        podReplacementPolicy: 'TerminatingOrFailed',
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } },
        manualSelector: false,
        template: { metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'abc', 'job-name': 'pi' } }, spec: { ...podSpec, restartPolicy: 'Never' } },
      },
    }),
    [],
  );
  assert.deepEqual(
    create('batch', 'cronjobs', {
      metadata: meta('hello'),
      spec: {
        schedule: '*/5 * * * 1-5',
        concurrencyPolicy: 'Allow',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } },
      },
    }),
    [],
  );
  assert.deepEqual(create('', 'configmaps', { metadata: meta('cfg'), data: { 'app.properties': 'a=b', KEY_1: 'x' } }), []);
  assert.deepEqual(
    create('', 'secrets', { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==', 'tls.key': 'Yg==' } }),
    [],
  );
  assert.deepEqual(create('', 'namespaces', { metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes'] } }, false), []);
  assert.deepEqual(
    create('rbac.authorization.k8s.io', 'roles', { metadata: meta('system:reader'), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }),
    [],
  );
  assert.deepEqual(
    create(
      'rbac.authorization.k8s.io',
      'clusterrolebindings',
      {
        metadata: { name: 'admin-binding' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' }, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }],
      },
      false,
    ),
    [],
  );
  assert.deepEqual(
    create('networking.k8s.io', 'ingresses', {
      metadata: meta('web'),
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
        tls: [{ hosts: ['example.com'], secretName: 'tls' }],
      },
    }),
    [],
  );
  assert.deepEqual(
    create(
      'admissionregistration.k8s.io',
      'validatingwebhookconfigurations',
      {
        metadata: { name: 'policy' },
        webhooks: [
          {
            name: 'policy.example.com',
            clientConfig: { service: { name: 'wh', namespace: 'default', path: '/validate', port: 443 } },
            rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' }],
            failurePolicy: 'Fail',
            matchPolicy: 'Equivalent',
            namespaceSelector: {},
            objectSelector: {},
            sideEffects: 'None',
            timeoutSeconds: 10,
            admissionReviewVersions: ['v1'],
          },
        ],
      },
      false,
    ),
    [],
  );
  assert.deepEqual(create('storage.k8s.io', 'storageclasses', { metadata: { name: 'fast' }, provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' }, false), []);
  assert.deepEqual(create('coordination.k8s.io', 'leases', { metadata: meta('lock'), spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } }), []);
  assert.deepEqual(create('policy', 'poddisruptionbudgets', { metadata: meta('pdb'), spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }), []);
  assert.deepEqual(create('autoscaling', 'horizontalpodautoscalers', { metadata: meta('hpa'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5 } }), []);
  assert.deepEqual(create('', 'persistentvolumeclaims', { metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' } }), []);
  assert.deepEqual(create('', 'events', { metadata: meta('web.123'), involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' }, reason: 'Started' }), []);
});

test('object meta: name required / format / namespace', () => {
  assert.deepEqual(create('', 'configmaps', { metadata: { namespace: 'default' } }), ['metadata.name: Required value: name or generateName is required']);
  assert.deepEqual(create('', 'configmaps', { metadata: { name: 'Foo', namespace: 'default' } }), [`metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}`]);
  assert.deepEqual(create('', 'namespaces', { metadata: { name: 'a.b' } }, false), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  assert.deepEqual(create('', 'services', { metadata: { name: '1abc', namespace: 'default' }, spec: { ports: [{ port: 80, protocol: 'TCP' }] } }), [
    `metadata.name: Invalid value: "1abc": ${DNS1035_MSG}`,
  ]);
  assert.deepEqual(create('', 'configmaps', { metadata: { name: 'x' } }), ['metadata.namespace: Required value']);
  assert.deepEqual(create('', 'namespaces', { metadata: { name: 'x', namespace: 'y' } }, false), ['metadata.namespace: Forbidden: not allowed on this type']);
  assert.deepEqual(create('rbac.authorization.k8s.io', 'clusterroles', { metadata: { name: 'a/b' } }, false), [`metadata.name: Invalid value: "a/b": may not contain '/'`]);
  assert.deepEqual(validateObjectMetaName({ metadata: { generateName: 'web-' } }, '', 'pods', true).map(fieldErrorString), [
    'metadata.name: Required value: name or generateName is required',
  ]);
  assert.deepEqual(isDNS1123Subdomain('ok.example'), []);
  assert.deepEqual(create('', 'namespaces', { metadata: { name: 'Bad' } }, false), [`metadata.name: Invalid value: "Bad": ${LABEL_MSG}`]);
});

test('object meta: labels, annotations, finalizers, owner refs', () => {
  const e = create('', 'configmaps', {
    metadata: { name: 'x', namespace: 'default', labels: { 'bad key!': 'v', ok: '-bad' }, finalizers: ['foo'], ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: '', uid: 'u' }] },
  });
  assert.deepEqual(e, [
    `metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    `metadata.labels: Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    'metadata.ownerReferences.name: Invalid value: "": must not be empty',
    'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  const big = 'x'.repeat(256 * 1024);
  assert.deepEqual(create('', 'configmaps', { metadata: { name: 'x', namespace: 'default', annotations: { a: big } } }).length, 1);
});

test('object meta update: immutable fields and resourceVersion', () => {
  const old: KObject = { metadata: meta('cfg'), data: {} };
  const n = clone(old);
  n.metadata!.name = 'other';
  n.metadata!.uid = 'zzz';
  delete n.metadata!.resourceVersion;
  assert.deepEqual(update('', 'configmaps', n, old), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    'metadata.name: Invalid value: "other": field is immutable',
    'metadata.uid: Invalid value: "zzz": field is immutable',
  ]);
});

test('pod rules', () => {
  const p = clone(pod) as { spec: { containers: Record<string, unknown>[]; restartPolicy: string; volumes: unknown[] } } & KObject;
  p.spec.containers.push({ name: 'web', image: '', ports: [{ containerPort: 70000, protocol: 'HTTP' }], volumeMounts: [{ name: 'nope', mountPath: '/x' }] });
  p.spec.restartPolicy = 'Sometimes';
  p.spec.volumes.push({ name: 'data', emptyDir: {}, hostPath: { path: '/tmp' } });
  const errs = create('', 'pods', p);
  assert.deepEqual(errs, [
    'spec.volumes[1].hostPath: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[1].name: Duplicate value: "data"',
    'spec.containers[1].image: Required value',
    'spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[1].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[1].volumeMounts[0].name: Not found: "nope"',
    'spec.containers[1].name: Duplicate value: "web"',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
  const q = clone(pod) as { spec: { containers: Record<string, unknown>[] } } & KObject;
  q.spec.containers[0]!.resources = { requests: { cpu: '2' }, limits: { cpu: '1' } };
  q.spec.containers[0]!.name = 'Web_1';
  assert.deepEqual(create('', 'pods', q), [
    `spec.containers[0].name: Invalid value: "Web_1": ${LABEL_MSG}`,
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  ]);
  const noContainers = clone(pod) as { spec: { containers: unknown[] } } & KObject;
  noContainers.spec.containers = [];
  assert.deepEqual(create('', 'pods', noContainers), ['spec.containers: Required value']);
});

test('pod update: only image and friends may change', () => {
  const n = clone(pod) as { spec: { containers: Record<string, unknown>[] } } & KObject;
  n.spec.containers[0]!.image = 'nginx:1.28';
  assert.deepEqual(update('', 'pods', n, pod), []);
  const m = clone(pod) as { spec: { containers: Record<string, unknown>[] } } & KObject;
  m.spec.containers[0]!.ports = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }];
  const errs = update('', 'pods', m, pod);
  assert.equal(errs.length, 1);
  assert.ok(
    errs[0]!.startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    ),
    errs[0],
  );
});

test('deployment rules', () => {
  const d = clone(deployment) as { spec: Record<string, unknown> & { template: { metadata: { labels: Record<string, string> } } } } & KObject;
  d.spec.template.metadata.labels = { tier: 'fe', app: 'other' };
  d.spec.replicas = -1;
  assert.deepEqual(create('apps', 'deployments', d), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other", "tier":"fe"}: `selector` does not match template `labels`',
  ]);
  const noSel = clone(deployment) as { spec: Record<string, unknown> } & KObject;
  delete noSel.spec.selector;
  assert.deepEqual(create('apps', 'deployments', noSel), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"fe"}: `selector` does not match template `labels`',
  ]);
  const rp = clone(deployment) as { spec: { template: { spec: Record<string, unknown> } } } & KObject;
  rp.spec.template.spec.restartPolicy = 'Never';
  assert.deepEqual(create('apps', 'deployments', rp), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
  const upd = clone(deployment) as { spec: Record<string, unknown> } & KObject;
  upd.spec.selector = { matchLabels: { app: 'web', tier: 'fe' } };
  const errs = update('apps', 'deployments', upd, deployment);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^spec\.selector: Invalid value: .*: field is immutable$/);
  const empty = clone(deployment) as { spec: Record<string, unknown> } & KObject;
  empty.spec.selector = {};
  assert.match(create('apps', 'deployments', empty)[0]!, /^spec\.selector: Invalid value: .*: empty selector is invalid for deployment$/);
});

test('statefulset and daemonset', () => {
  const ss: KObject = {
    metadata: meta('db'),
    spec: {
      replicas: 1,
      serviceName: 'db',
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { ...podSpec, volumes: [], containers: [{ ...container, volumeMounts: [{ name: 'pgdata', mountPath: '/var/lib' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'pgdata' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
  assert.deepEqual(create('apps', 'statefulsets', ss), []);
  const ss2 = clone(ss) as { spec: Record<string, unknown> } & KObject;
  ss2.spec.serviceName = 'other';
  assert.deepEqual(update('apps', 'statefulsets', ss2, ss), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
  const ds: KObject = {
    metadata: meta('agent'),
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: podSpec },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    },
  };
  assert.deepEqual(create('apps', 'daemonsets', ds), []);
});

test('job and cronjob', () => {
  const job: KObject = {
    metadata: meta('pi'),
    spec: { completions: -1, template: { metadata: { labels: {} }, spec: { ...podSpec, restartPolicy: 'Always' } } },
  };
  assert.deepEqual(create('batch', 'jobs', job), [
    'spec.completions: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
  ]);
  const j2 = clone(job) as { spec: { completions: number; template: { spec: Record<string, unknown> } } } & KObject;
  j2.spec.completions = 1;
  j2.spec.template.spec.restartPolicy = 'Sometimes';
  assert.deepEqual(create('batch', 'jobs', j2), [
    'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"',
  ]);
  const okJob = clone(j2) as { spec: { template: { spec: Record<string, unknown> } } } & KObject;
  okJob.spec.template.spec.restartPolicy = 'Never';
  const changed = clone(okJob) as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } } & KObject;
  changed.spec.template.spec.containers[0]!.image = 'busybox';
  const errs = update('batch', 'jobs', changed, okJob);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^spec\.template: Invalid value: .*: field is immutable$/);

  const cj = (schedule: string): KObject => ({
    metadata: meta('c'),
    spec: { schedule, concurrencyPolicy: 'Allow', jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } } },
  });
  assert.deepEqual(create('batch', 'cronjobs', cj('* * *')), ['spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]']);
  assert.deepEqual(create('batch', 'cronjobs', cj('61 * * * *')), ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
  assert.deepEqual(create('batch', 'cronjobs', cj('@hourly')), []);
  assert.equal(cronParseError('x * * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
  assert.deepEqual(create('batch', 'cronjobs', cj('TZ=UTC * * * * *')).slice(-1), ['spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
});

test('service rules', () => {
  const base = { metadata: meta('svc'), spec: { type: 'ClusterIP', sessionAffinity: 'None', ports: [] as unknown[] } };
  assert.deepEqual(create('', 'services', base), ['spec.ports: Required value']);
  const s2 = clone(base);
  s2.spec.ports = [{ port: 80, protocol: 'TCP', targetPort: 80 }, { name: 'b', port: 0, protocol: 'TCP', nodePort: 30000, targetPort: 80 }];
  assert.deepEqual(create('', 'services', s2), [
    'spec.ports[0].name: Required value',
    'spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    "spec.ports[1].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
  ]);
  const s3 = clone(base) as typeof base & { spec: { type: string } };
  s3.spec.type = 'Foo';
  s3.spec.ports = [{ port: 80, protocol: 'TCP', targetPort: 80 }];
  assert.deepEqual(create('', 'services', s3), ['spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']);
  const headless = { metadata: meta('h'), spec: { clusterIP: 'None', clusterIPs: ['None'], type: 'ClusterIP', sessionAffinity: 'None' } };
  assert.deepEqual(create('', 'services', headless), []);
  const old = { metadata: meta('svc'), spec: { type: 'ClusterIP', sessionAffinity: 'None', clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } };
  const n = clone(old);
  n.spec.clusterIP = '10.0.0.2';
  n.spec.clusterIPs = ['10.0.0.2'];
  assert.deepEqual(update('', 'services', n, old), ['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.2"}: may not change once set']);
});

test('configmap and secret', () => {
  assert.deepEqual(create('', 'configmaps', { metadata: meta('c'), data: { 'bad/key': 'x' } }), [
    `data[bad/key]: Invalid value: "bad/key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
  ]);
  const old = { metadata: meta('c'), immutable: true, data: { a: '1' } };
  const n = { metadata: meta('c'), immutable: true, data: { a: '2' } };
  assert.deepEqual(update('', 'configmaps', n, old), ['data: Forbidden: field is immutable when `immutable` is set']);
  assert.deepEqual(create('', 'secrets', { metadata: meta('s'), type: 'kubernetes.io/tls', data: {} }), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
  assert.deepEqual(create('', 'secrets', { metadata: meta('s'), type: 'kubernetes.io/dockerconfigjson', data: {} }), ['data[.dockerconfigjson]: Required value']);
  assert.deepEqual(create('', 'secrets', { metadata: meta('s'), type: 'kubernetes.io/service-account-token' }), [
    'metadata.annotations[kubernetes.io/service-account.name]: Required value',
  ]);
  assert.deepEqual(update('', 'secrets', { metadata: meta('s'), type: 'Opaque' }, { metadata: meta('s'), type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }), [
    'type: Invalid value: "Opaque": field is immutable',
  ]);
});

test('rbac', () => {
  assert.deepEqual(create('rbac.authorization.k8s.io', 'roles', { metadata: meta('r'), rules: [{ resources: ['pods'] }] }), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
  ]);
  const rb = { metadata: meta('rb'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' }, subjects: [{ kind: 'Robot', name: 'x' }] };
  assert.deepEqual(create('rbac.authorization.k8s.io', 'rolebindings', rb), ['subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"']);
  const ok = { ...rb, subjects: [] };
  const changed = { ...ok, roleRef: { ...ok.roleRef, name: 'b' } };
  const errs = update('rbac.authorization.k8s.io', 'rolebindings', changed, ok);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^roleRef: Invalid value: .*: cannot change roleRef$/);
});

test('ingress, webhooks, storageclass, priorityclass, hpa, event', () => {
  assert.deepEqual(
    create('networking.k8s.io', 'ingresses', { metadata: meta('i'), spec: { rules: [{ http: { paths: [{ path: 'x', pathType: 'Foo', backend: { service: { name: 'a', port: { number: 80 } } } }] } }] } }),
    ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Foo": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
  );
  assert.deepEqual(
    create('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', { metadata: { name: 'm' }, webhooks: [{ name: 'a.b.c', clientConfig: {} }] }, false),
    [
      'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
      'webhooks[0].clientConfig: Required value: exactly one of url or service is required',
      'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
    ],
  );
  assert.deepEqual(create('storage.k8s.io', 'storageclasses', { metadata: { name: 's' } }, false), ['provisioner: Required value']);
  assert.deepEqual(create('scheduling.k8s.io', 'priorityclasses', { metadata: { name: 'p' }, value: 2000000000 }, false), [
    'value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
  ]);
  assert.deepEqual(create('autoscaling', 'horizontalpodautoscalers', { metadata: meta('h'), spec: { scaleTargetRef: { kind: 'Deployment' }, minReplicas: 3, maxReplicas: 2 } }), [
    'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    'spec.scaleTargetRef.name: Required value',
  ]);
  assert.deepEqual(create('', 'events', { metadata: meta('e'), involvedObject: { kind: 'Pod', namespace: 'other', name: 'x' } }), [
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
  ]);
});

test('status updates', () => {
  const ns = { metadata: { name: 'n', uid: 'u', resourceVersion: '1' }, status: { phase: 'Terminating' } };
  const errs: FieldError[] = validatorFor('', 'namespaces').validateStatusUpdate!(ns, ns, ctx('', 'namespaces', false));
  assert.deepEqual(errs.map(fieldErrorString), ['status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty']);
  const generic = validatorFor('example.com', 'widgets');
  assert.deepEqual(generic.validate({ metadata: { name: 'w', namespace: 'default' } }, ctx('example.com', 'widgets')).map(fieldErrorString), []);
});
