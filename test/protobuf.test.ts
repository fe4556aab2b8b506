import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import protobuf from 'protobufjs';
import type { KObject } from '../src/api/types.js';
import { StatusError } from '../src/api/errors.js';
import { findDataDir } from '../src/util/data-dir.js';
import {
  PROTOBUF_MEDIA_TYPE,
  decodeProtobufObject,
  decodeWatchFrames,
  encodeProtobufObject,
  encodeWatchEventFrame,
  hasProtobufType,
} from '../src/endpoints/protobuf/index.js';

const DATA = findDataDir();
const run = promisify(execFile);

function roundTrip(obj: KObject): KObject {
  const buf = encodeProtobufObject(obj);
  assert.ok(buf, `no protobuf type for ${obj.apiVersion}/${obj.kind}`);
  assert.deepEqual([...buf.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
  return decodeProtobufObject(buf);
}

// ---------------------------------------------------------------- kubectl's body

describe('kubectl 1.32 request bodies', () => {
  test('create configmap x --from-literal=a=b (hex from kubectl-wire.md §8)', () => {
    const hex =
      '6b387300' + '0a0f' + '0a027631' + '1209436f6e6669674d6170' + '121b' + '0a11' + '0a0178' + '12001a0022002a00320038004200' + '12060a0161120162' + '1a002200';
    const obj = decodeProtobufObject(Buffer.from(hex, 'hex'));
    assert.equal(JSON.stringify(obj), '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"b"}}');
  });

  test('garbage is a 400 with kube\'s message', () => {
    assert.throws(
      () => decodeProtobufObject(Buffer.from('{"kind":"ConfigMap"}'), 'ConfigMap'),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 400 &&
        e.message ===
          'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap"})',
    );
    // a truncated ConfigMap
    const good = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } })!;
    assert.throws(
      () => decodeProtobufObject(good.subarray(0, good.length - 7)),
      (e: unknown) => e instanceof StatusError && e.code === 400 && /unexpected EOF/.test(e.message),
    );
    // wrong wire type inside the ConfigMap (metadata as a varint)
    const wrong = Buffer.from('6b3873000a0f0a0276311209436f6e6669674d617012020801', 'hex');
    assert.throws(
      () => decodeProtobufObject(wrong, 'ConfigMap'),
      (e: unknown) => e instanceof StatusError && e.message === 'ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field Metadata',
    );
    assert.throws(() => decodeProtobufObject(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x02, 0x0a, 0x00])), /Object 'Kind' is missing/);
  });
});

// ---------------------------------------------------------------- generated objects of every kind

interface Schema {
  type?: string;
  format?: string;
  $ref?: string;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

const swagger = JSON.parse(readFileSync(join(DATA, 'openapi', 'v2', 'swagger.json'), 'utf8')) as { definitions: Record<string, Schema> };
const defs = swagger.definitions;

const SCHEMA_PROPS: Record<string, unknown> = {
  type: 'object',
  description: 'd',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-validations': [{ rule: 'self.a > 0', message: 'm', fieldPath: '.a', reason: 'FieldValueInvalid' }],
      properties: { a: { type: 'integer', minimum: 0, maximum: 10.5, default: 3 } },
    },
    list: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', properties: { name: { type: 'string', enum: ['a', 'b'] } } },
    },
    port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
    emb: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-map-type': 'atomic', nullable: true },
    free: { type: 'object', additionalProperties: { type: 'string' } },
    tuple: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
    deps: { type: 'object', dependencies: { a: ['b'], c: { type: 'object' } } },
  },
  additionalProperties: false,
  $schema: 'http://json-schema.org/draft-04/schema#',
  $ref: '#/definitions/x',
};

let counter = 0;
function special(ref: string): unknown {
  counter++;
  switch (ref) {
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.Time':
      return '2024-05-06T07:08:09Z';
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime':
      return '2024-05-06T07:08:09.123456Z';
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity':
      return counter % 2 ? '250m' : '1Gi';
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString':
      return counter % 2 ? 8080 : 'http';
    case 'io.k8s.apimachinery.pkg.runtime.RawExtension':
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'embedded' }, data: { k: 'v' } };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1':
      return { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } };
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON':
      return { any: ['json', 1, true, null] };
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps':
      return structuredClone(SCHEMA_PROPS);
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray':
      return { type: 'string' };
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool':
      return true;
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray':
      return ['a', 'b'];
    default:
      return undefined;
  }
}

function gen(s: Schema, depth: number, top: boolean): unknown {
  if (s.allOf && s.allOf.length === 1) return gen(s.allOf[0]!, depth, top);
  if (s.$ref) {
    const name = s.$ref.replace('#/definitions/', '');
    const sp = special(name);
    if (sp !== undefined) return sp;
    const d = defs[name];
    if (!d) return undefined;
    if (depth > 7) return undefined;
    return gen(d, depth + 1, top);
  }
  switch (s.type) {
    case 'string':
      if (s.format === 'byte') return Buffer.from('bytes-' + ++counter).toString('base64');
      if (s.format === 'date-time') return '2024-05-06T07:08:09Z';
      return 'v' + ++counter;
    case 'integer':
      return s.format === 'int64' ? 1700000000123 + ++counter : 3 + (++counter % 50);
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'array': {
      const item = s.items ? gen(s.items, depth, false) : 'x';
      return item === undefined ? undefined : [item];
    }
    case 'object':
    default: {
      if (s.properties) {
        const out: Record<string, unknown> = {};
        const isKind = !!s['x-kubernetes-group-version-kind'];
        for (const [k, v] of Object.entries(s.properties)) {
          if (isKind && (k === 'apiVersion' || k === 'kind')) continue; // TypeMeta travels in runtime.Unknown only
          const val = gen(v, depth, false);
          if (val !== undefined) out[k] = val;
        }
        return out;
      }
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        const val = gen(s.additionalProperties, depth, false);
        return val === undefined ? {} : { key1: val };
      }
      return top ? {} : undefined;
    }
  }
}

interface CatalogResource {
  kind: string;
  definition?: string;
  subresources?: { name: string; kind: string; group?: string; version?: string }[];
}
const catalog = JSON.parse(readFileSync(join(DATA, 'catalog.json'), 'utf8')) as {
  groups: { name: string; versions: { version: string; resources: CatalogResource[] }[] }[];
};

function definitionFor(group: string, version: string, kind: string): string | undefined {
  for (const [name, d] of Object.entries(defs)) {
    const gvks = d['x-kubernetes-group-version-kind'];
    if (gvks?.some((g) => g.group === group && g.version === version && g.kind === kind)) return name;
  }
  return undefined;
}

describe('round trip JSON → protobuf → JSON for every built-in kind', () => {
  const kinds: [string, string, string][] = []; // apiVersion, kind, definition
  const seen = new Set<string>();
  const missing: string[] = [];
  for (const g of catalog.groups) {
    for (const v of g.versions) {
      const apiVersion = g.name ? `${g.name}/${v.version}` : v.version;
      const add = (av: string, kind: string, def: string | undefined): void => {
        if (seen.has(av + kind)) return;
        seen.add(av + kind);
        if (!def || !defs[def]) {
          missing.push(`${av} ${kind}`);
          return;
        }
        kinds.push([av, kind, def]);
      };
      for (const r of v.resources) {
        add(apiVersion, r.kind, r.definition ?? definitionFor(g.name, v.version, r.kind));
        const listDef = r.definition ? `${r.definition}List` : undefined;
        if (listDef && defs[listDef]) add(apiVersion, `${r.kind}List`, listDef);
        for (const s of r.subresources ?? []) {
          const sg = s.group ?? g.name;
          const sv = s.version ?? v.version;
          const sav = sg ? `${sg}/${sv}` : sv;
          const def = definitionFor(sg, sv, s.kind);
          if (def) add(sav, s.kind, def);
        }
      }
    }
  }
  for (const [av, kind] of [
    ['v1', 'Status'],
    ['v1', 'DeleteOptions'],
    ['v1', 'APIResourceList'],
    ['v1', 'APIGroupList'],
    ['v1', 'APIVersions'],
  ] as const) {
    const def = definitionFor(av === 'v1' ? '' : 'meta.k8s.io', 'v1', kind) ?? `io.k8s.apimachinery.pkg.apis.meta.v1.${kind}`;
    kinds.push([av, kind, def]);
  }

  test('every catalog kind has a protobuf type and a schema', () => {
    assert.ok(kinds.length > 100, `only ${kinds.length} kinds`);
    assert.deepEqual(missing, []);
  });

  for (const [apiVersion, kind, def] of kinds) {
    test(`${apiVersion} ${kind}`, () => {
      assert.ok(hasProtobufType(apiVersion, kind), `${apiVersion} ${kind} has no protobuf type`);
      const body = gen(defs[def]!, 0, true) as Record<string, unknown>;
      const obj: KObject = { apiVersion, kind, ...body };
      assert.deepEqual(roundTrip(obj), obj);
    });
  }
});

// ---------------------------------------------------------------- realistic objects

const pod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c8f5-x2x9z',
    generateName: 'web-7d4b9c8f5-',
    namespace: 'default',
    uid: '6f1c3a1e-2b9e-4a55-9a55-3f7b1f0c2d11',
    resourceVersion: '12345',
    creationTimestamp: '2024-06-01T12:00:00Z',
    labels: { app: 'web', 'pod-template-hash': '7d4b9c8f5' },
    annotations: { 'kubernetes.io/psp': 'restricted', note: 'ünïcødé ✓' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f5', uid: 'abc', controller: true, blockOwnerDeletion: true }],
    managedFields: [
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2024-06-01T12:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {} } } },
      },
    ],
  },
  spec: {
    volumes: [
      { name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }], defaultMode: 420 } },
      { name: 'cfg', configMap: { name: 'web-config', items: [{ key: 'a', path: 'a.txt' }], optional: false } },
      { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
    ],
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        command: ['nginx', '-g', 'daemon off;'],
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        env: [
          { name: 'A', value: 'a' },
          { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        ],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        readinessProbe: { tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        volumeMounts: [{ name: 'kube-api-access', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        securityContext: { runAsNonRoot: true, runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    serviceAccount: 'default',
    nodeName: 'node-1',
    securityContext: {},
    schedulerName: 'default-scheduler',
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    priority: 0,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-06-01T12:00:05Z' }],
    hostIP: '10.0.0.4',
    podIP: '10.244.1.7',
    podIPs: [{ ip: '10.244.1.7' }],
    startTime: '2024-06-01T12:00:00Z',
    containerStatuses: [
      {
        name: 'web',
        state: { running: { startedAt: '2024-06-01T12:00:03Z' } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: 'docker.io/library/nginx:1.27',
        imageID: 'docker.io/library/nginx@sha256:abc',
        containerID: 'containerd://abc',
        started: true,
      },
    ],
    qosClass: 'Burstable',
  },
};

/** lastProbeTime: null is what Go prints for a zero Time; protobuf cannot carry null, so it decodes as absent. */
function withoutNullTimes(o: KObject): KObject {
  const c = structuredClone(o) as { status?: { conditions?: Record<string, unknown>[] } } & KObject;
  for (const cond of c.status?.conditions ?? []) if (cond.lastProbeTime === null) delete cond.lastProbeTime;
  return c;
}

const realistic: KObject[] = [
  pod,
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', generation: 3, labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      paused: true,
    },
    status: {
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2024-06-01T12:00:00Z', lastTransitionTime: '2024-06-01T12:00:00Z', reason: 'MinimumReplicasAvailable', message: 'ok' }],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'default' },
    type: 'Opaque',
    data: { a: Buffer.from('b').toString('base64'), bin: Buffer.from([0, 1, 2, 255, 254]).toString('base64'), empty: '' },
    immutable: false,
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc', namespace: 'default' },
    spec: {
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
        { name: 'named', protocol: 'TCP', port: 443, targetPort: 'https', nodePort: 30443 },
      ],
      selector: { app: 'web' },
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      type: 'NodePort',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      externalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  },
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
    spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'k', value: 'v', effect: 'NoSchedule', timeAdded: '2024-06-01T12:00:00Z' }] },
    status: {
      capacity: { cpu: '4', memory: '16318048Ki', pods: '110', 'ephemeral-storage': '101203084Ki' },
      allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-06-01T12:00:00Z', lastTransitionTime: '2024-06-01T11:00:00Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.4' }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: 'm',
        systemUUID: 's',
        bootID: 'b',
        kernelVersion: '6.1',
        osImage: 'Debian',
        containerRuntimeVersion: 'containerd://1.7',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [{ names: ['nginx:1.27'], sizeBytes: 67000000 }],
    },
  },
  {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'e1', namespace: 'default' },
    eventTime: '2024-06-01T12:00:00.123456Z',
    series: { count: 2, lastObservedTime: '2024-06-01T12:00:01.000001Z' },
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    action: 'Pulling',
    reason: 'Pulling',
    regarding: { kind: 'Pod', namespace: 'default', name: 'p', uid: 'u', apiVersion: 'v1', resourceVersion: '1', fieldPath: 'spec.containers{c}' },
    note: 'Pulling image',
    type: 'Normal',
    deprecatedCount: 2,
    deprecatedFirstTimestamp: '2024-06-01T11:59:00Z',
  },
  {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e2', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p' },
    reason: 'Started',
    message: 'Started container',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-06-01T12:00:00Z',
    lastTimestamp: '2024-06-01T12:00:00Z',
    count: 1,
    type: 'Normal',
    eventTime: '2024-06-01T12:00:00.000000Z',
    reportingComponent: '',
    reportingInstance: '',
  },
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], listKind: 'CronTabList' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  'x-kubernetes-preserve-unknown-fields': false,
                  properties: {
                    cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
                    replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
                    port: { 'x-kubernetes-int-or-string': true },
                    tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                    extra: { type: 'object', additionalProperties: { type: 'string' } },
                    closed: { type: 'object', additionalProperties: false },
                    mode: { type: 'string', enum: ['a', 'b', null], nullable: true, default: 'a' },
                  },
                  required: ['cronSpec'],
                  'x-kubernetes-validations': [{ rule: 'self.replicas <= 10', message: 'too many' }],
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
          additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec', priority: 1 }],
        },
      ],
      conversion: { strategy: 'None' },
    },
    status: {
      conditions: [{ type: 'Established', status: 'True', lastTransitionTime: '2024-06-01T12:00:00Z', reason: 'InitialNamesAccepted', message: 'ok' }],
      acceptedNames: { plural: 'crontabs', kind: 'CronTab' },
      storedVersions: ['v1'],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'PodList',
    metadata: { resourceVersion: '99', continue: 'abc', remainingItemCount: 5 } as KObject['metadata'],
    items: [
      { metadata: { name: 'a', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: {} },
      { metadata: { name: 'b', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Pending' } },
    ],
  },
  { apiVersion: 'v1', kind: 'ConfigMapList', metadata: {}, items: [] },
  {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: 'pods "x" not found',
    reason: 'NotFound',
    details: { name: 'x', kind: 'pods', causes: [{ reason: 'FieldValueInvalid', message: 'm', field: 'spec' }], retryAfterSeconds: 3 },
    code: 404,
  },
  { apiVersion: 'v1', kind: 'Status', metadata: { resourceVersion: '5' }, status: 'Success', code: 200 },
  { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', preconditions: { uid: 'u', resourceVersion: '1' }, dryRun: ['All'] },
  { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { name: 'x', namespace: 'y', labels: { a: 'b' } } },
  {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: {},
    spec: { user: 'u', groups: ['g'], extra: { scopes: ['a', 'b'], empty: [] }, resourceAttributes: { verb: 'get', resource: 'pods' } },
    status: { allowed: false, reason: 'no' },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'h', namespace: 'default' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } },
    },
    status: { desiredReplicas: 0 }, // currentReplicas is omitempty, desiredReplicas is not
  },
  {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name: 'cr', namespace: 'default' },
    data: { spec: { template: { spec: { containers: [{ name: 'c' }] } } } },
    revision: 1,
  },
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'PriorityLevelConfiguration',
    metadata: { name: 'p' },
    spec: { type: 'Limited', limited: { nominalConcurrencyShares: 0, lendablePercent: 0, limitResponse: { type: 'Reject' } } },
  },
];

describe('round trip of realistic objects', () => {
  for (const obj of realistic) {
    test(`${obj.apiVersion} ${obj.kind} ${obj.metadata?.name ?? ''}`, () => {
      const expected = withoutNullTimes(obj);
      if (obj.kind === 'ConfigMapList') delete (expected as { items?: unknown }).items; // empty repeated fields are absent
      assert.deepEqual(roundTrip(obj), expected);
    });
  }

  test('times: Time drops fractions, MicroTime keeps microseconds, offsets become UTC', () => {
    const out = roundTrip({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', creationTimestamp: '2024-06-01T14:00:00.987+02:00' },
      eventTime: '2024-06-01T12:00:00.1234567Z',
    });
    assert.equal(out.metadata?.creationTimestamp, '2024-06-01T12:00:00Z');
    assert.equal(out.eventTime, '2024-06-01T12:00:00.123456Z');
  });

  test('a PodList of 1000 pods', () => {
    const items = Array.from({ length: 1000 }, (_, i) => {
      const p = structuredClone(withoutNullTimes(pod)) as Record<string, unknown>;
      delete p.apiVersion;
      delete p.kind;
      (p.metadata as Record<string, unknown>).name = `p-${i}`;
      return p;
    });
    const list: KObject = { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '1' }, items };
    assert.deepEqual(roundTrip(list), list);
  });
});

// ---------------------------------------------------------------- byte compatibility with protobufjs

describe('byte compatibility', () => {
  const root = new protobuf.Root();
  root.resolvePath = (_o: string, t: string): string => (t.startsWith('/') ? t : join(DATA, 'proto', t));
  root.loadSync(['k8s.io/api/core/v1/generated.proto', 'k8s.io/api/apps/v1/generated.proto'], { keepCase: true });
  root.resolveAll();
  const Unknown = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');

  function independent(buf: Buffer, type: string): Record<string, any> {
    const unk = Unknown.decode(buf.subarray(4)) as unknown as { typeMeta: { apiVersion: string; kind: string }; raw: Uint8Array };
    const T = root.lookupType(type);
    return T.toObject(T.decode(unk.raw), { longs: Number, bytes: String, defaults: false }) as Record<string, any>;
  }

  test('Pod encoded here decodes with protobufjs', () => {
    const buf = encodeProtobufObject(pod)!;
    const unk = Unknown.decode(buf.subarray(4)) as unknown as { typeMeta: { apiVersion: string; kind: string }; contentType: string };
    assert.deepEqual({ ...unk.typeMeta }, { apiVersion: 'v1', kind: 'Pod' });
    const p = independent(buf, 'k8s.io.api.core.v1.Pod');
    assert.equal(p.metadata.name, 'web-7d4b9c8f5-x2x9z');
    assert.equal(p.metadata.creationTimestamp.seconds, Date.parse('2024-06-01T12:00:00Z') / 1000);
    assert.deepEqual(p.metadata.labels, { app: 'web', 'pod-template-hash': '7d4b9c8f5' });
    assert.equal(p.metadata.annotations.note, 'ünïcødé ✓');
    assert.equal(Buffer.from(p.metadata.managedFields[0].fieldsV1.Raw, 'base64').toString(), JSON.stringify((pod.metadata!.managedFields![0]!).fieldsV1));
    const c = p.spec.containers[0];
    assert.equal(c.image, 'nginx:1.27');
    assert.deepEqual(c.resources.limits.cpu, { string: '500m' });
    assert.deepEqual(c.livenessProbe.handler.httpGet.port, { type: 1, strVal: 'http' });
    assert.deepEqual(c.readinessProbe.handler.tcpSocket.port, { type: 0, intVal: 80 });
    assert.equal(c.securityContext.runAsUser, 0);
    assert.equal(p.spec.volumes[1].volumeSource.configMap.localObjectReference.name, 'web-config');
    assert.equal(p.spec.terminationGracePeriodSeconds, 30);
    assert.equal(p.status.containerStatuses[0].ready, true);
  });

  test('protobufjs-encoded Deployment and Secret decode here', () => {
    const Dep = root.lookupType('k8s.io.api.apps.v1.Deployment');
    const raw = Dep.encode(
      Dep.fromObject({
        metadata: { name: 'd', namespace: 'ns', generation: 7, labels: { a: 'b' }, creationTimestamp: { seconds: 1717243200, nanos: 5 } },
        spec: { replicas: 0, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      }),
    ).finish();
    const env = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0]), Unknown.encode(Unknown.fromObject({ typeMeta: { apiVersion: 'apps/v1', kind: 'Deployment' }, raw })).finish()]);
    assert.deepEqual(decodeProtobufObject(env), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'ns', generation: 7, labels: { a: 'b' }, creationTimestamp: '2024-06-01T12:00:00Z' },
      spec: { replicas: 0, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const Secret = root.lookupType('k8s.io.api.core.v1.Secret');
    const sraw = Secret.encode(Secret.fromObject({ metadata: { name: 's' }, data: { k: Buffer.from([1, 2, 3]) }, type: 'Opaque' })).finish();
    const senv = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0]), Unknown.encode(Unknown.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'Secret' }, raw: sraw })).finish()]);
    assert.deepEqual(decodeProtobufObject(senv), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'AQID' }, type: 'Opaque' });
  });

  test('negative and 64-bit integers', () => {
    const obj: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'n', generation: 2 ** 40 + 3, deletionGracePeriodSeconds: 0 },
      spec: { containers: [{ name: 'c', securityContext: { runAsUser: -5, runAsGroup: 2 ** 35 } }], priority: -100, activeDeadlineSeconds: 9007199254740991 },
    };
    assert.deepEqual(roundTrip(obj), obj);
    const p = independent(encodeProtobufObject(obj)!, 'k8s.io.api.core.v1.Pod');
    assert.equal(p.spec.priority, -100);
    assert.equal(p.spec.containers[0].securityContext.runAsUser, -5);
    assert.equal(p.metadata.generation, 2 ** 40 + 3);
  });
});

// ---------------------------------------------------------------- watch

describe('watch frames', () => {
  test('round trip of a stream of events', () => {
    const cm: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', resourceVersion: '2' }, data: { a: 'b' } };
    const status: KObject = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (2)', reason: 'Expired', code: 410 };
    const bookmark: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '3', annotations: { 'k8s.io/initial-events-end': 'true' } } };
    const frames = Buffer.concat([
      encodeWatchEventFrame('ADDED', cm)!,
      encodeWatchEventFrame('MODIFIED', { ...cm, data: { a: 'c' } })!,
      encodeWatchEventFrame('BOOKMARK', bookmark)!,
      encodeWatchEventFrame('ERROR', status)!,
      encodeWatchEventFrame('ADDED', pod)!,
    ]);
    assert.equal(frames.readUInt32BE(0) + 4, encodeWatchEventFrame('ADDED', cm)!.length);
    const events = decodeWatchFrames(frames);
    assert.deepEqual(events, [
      { type: 'ADDED', object: cm },
      { type: 'MODIFIED', object: { ...cm, data: { a: 'c' } } },
      { type: 'BOOKMARK', object: bookmark },
      { type: 'ERROR', object: status },
      { type: 'ADDED', object: withoutNullTimes(pod) },
    ]);
    assert.equal(encodeWatchEventFrame('ADDED', { apiVersion: 'meta.k8s.io/v1', kind: 'Table' }), undefined);
  });

  test('kinds without a protobuf message', () => {
    assert.equal(hasProtobufType('meta.k8s.io/v1', 'Table'), false);
    assert.equal(hasProtobufType('stable.example.com/v1', 'CronTab'), false);
    assert.equal(hasProtobufType('v1', 'PodSpec'), false);
    assert.equal(encodeProtobufObject({ apiVersion: 'stable.example.com/v1', kind: 'CronTab' }), undefined);
    for (const [av, k] of [
      ['v1', 'Status'],
      ['apps/v1', 'DeleteOptions'],
      ['v1', 'CreateOptions'],
      ['meta.k8s.io/v1', 'PartialObjectMetadataList'],
      ['meta.k8s.io/v1beta1', 'PartialObjectMetadataList'],
      ['autoscaling/v1', 'Scale'],
      ['policy/v1', 'Eviction'],
      ['authentication.k8s.io/v1', 'TokenReview'],
      ['internal.apiserver.k8s.io/v1alpha1', 'StorageVersion'],
      ['apiregistration.k8s.io/v1', 'APIServiceList'],
    ]) assert.ok(hasProtobufType(av!, k!), `${av} ${k}`);
  });
});

// ---------------------------------------------------------------- real kubectl

function kubectlBinary(): string | undefined {
  try {
    const path = realpathSync(execFileSyncWhich('kubectl'));
    return join(dirname(path), 'kubectl.1.32');
  } catch {
    return undefined;
  }
}
function execFileSyncWhich(cmd: string): string {
  for (const d of (process.env.PATH ?? '').split(':')) {
    try {
      const p = join(d, cmd);
      readFileSync(p, { flag: 'r' }).subarray(0, 1);
      return p;
    } catch {
      /* next */
    }
  }
  throw new Error('not found');
}

describe('bodies sent by the real kubectl 1.32', () => {
  const kubectl = kubectlBinary();
  const bodies: { url: string; contentType: string; obj: KObject }[] = [];
  let server: http.Server;
  let port = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url?.startsWith('/version')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0' }));
          return;
        }
        if (req.method === 'POST') {
          try {
            const obj = decodeProtobufObject(body);
            bodies.push({ url: req.url ?? '', contentType: String(req.headers['content-type']), obj });
            res.writeHead(201, { 'content-type': 'application/json' });
            res.end(JSON.stringify(obj));
          } catch (e) {
            const st = e instanceof StatusError ? e : new StatusError(500, 'InternalError', String(e));
            res.writeHead(st.code, { 'content-type': 'application/json' });
            res.end(JSON.stringify(st.toStatus()));
          }
          return;
        }
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server?.close();
  });

  async function kc(...args: string[]): Promise<string> {
    const { stdout } = await run(kubectl!, ['--server', `http://127.0.0.1:${port}`, ...args], { timeout: 30000 });
    return stdout;
  }
  function last(): { url: string; contentType: string; obj: KObject } {
    const b = bodies[bodies.length - 1];
    assert.ok(b, 'no body recorded');
    assert.equal(b.contentType, PROTOBUF_MEDIA_TYPE);
    return b;
  }

  test('create configmap / secret / namespace / deployment / service, auth can-i', { skip: kubectl ? false : 'kubectl.1.32 not found' }, async () => {
    await kc('create', 'configmap', 'x', '--from-literal=a=b');
    assert.deepEqual(last().obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });

    await kc('create', 'secret', 'generic', 's', '--from-literal=a=b', '--from-literal=c=');
    assert.deepEqual(last().obj, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'Yg==', c: '' } }); // kubectl leaves type empty

    await kc('create', 'namespace', 'n');
    assert.deepEqual(last().obj, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, spec: {}, status: {} });

    await kc('create', 'deployment', 'd', '--image=nginx', '--replicas=0', '--port=80');
    assert.deepEqual(last().obj, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { app: 'd' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd' } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });

    await kc('create', 'service', 'clusterip', 'svc', '--tcp=80:8080');
    assert.deepEqual(last().obj, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', labels: { app: 'svc' } },
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'svc' }, type: 'ClusterIP' },
      status: { loadBalancer: {} },
    });

    await kc('auth', 'can-i', 'get', 'pods', '-n', 'kube-system').catch(() => ''); // prints "no" and exits 1
    const ssar = last();
    assert.equal(ssar.url, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    assert.deepEqual(ssar.obj, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods' } },
      status: { allowed: false },
    });
  });
});
