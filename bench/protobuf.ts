// Protobuf codec (src/endpoints/protobuf) against the JSON path, on the same objects, in this thread:
//   encode: encodeProtobufObject(obj) vs Buffer.from(JSON.stringify(obj))  (object → wire bytes)
//   decode: decodeProtobufObject(buf) vs JSON.parse(buf.toString())        (wire bytes → object)
import type { KObject } from '../src/api/types.js';
import { decodeProtobufObject, encodeProtobufObject } from '../src/endpoints/protobuf/index.js';
import { configMapBody } from './util.js';

export interface CodecResult {
  object: string;
  jsonBytes: number;
  protoBytes: number;
  jsonEncodePerSec: number;
  protoEncodePerSec: number;
  jsonDecodePerSec: number;
  protoDecodePerSec: number;
}

function opsPerSec(ms: number, fn: () => unknown): number {
  // warm-up
  const wEnd = performance.now() + Math.min(200, ms / 4);
  while (performance.now() < wEnd) for (let i = 0; i < 100; i++) fn();
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  let sink = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) {
      const r = fn();
      if (r === undefined) sink++;
    }
    n += 100;
  }
  if (sink < 0) console.log(sink);
  return (n * 1000) / (performance.now() - t0);
}

function pod(): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-7d9c8b6f5-x2k4p',
      generateName: 'web-7d9c8b6f5-',
      namespace: 'default',
      uid: '6f1d2c4e-9a1b-4c3d-8e7f-0a1b2c3d4e5f',
      resourceVersion: '123456',
      creationTimestamp: '2026-11-20T10:00:00Z',
      labels: { app: 'web', 'pod-template-hash': '7d9c8b6f5', tier: 'frontend' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-20T09:59:00Z' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9c8b6f5', uid: '1a2b3c4d-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/web:1.2.3',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'MODE', value: 'production' }, { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
          resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
          volumeMounts: [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
          readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      volumes: [
        {
          name: 'kube-api-access-abcde',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
            defaultMode: 420,
          },
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
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-20T10:00:00Z' },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-20T10:00:05Z' },
        { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-20T10:00:05Z' },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-20T10:00:00Z' },
      ],
      hostIP: '10.0.0.11',
      podIP: '10.244.1.23',
      podIPs: [{ ip: '10.244.1.23' }],
      startTime: '2026-11-20T10:00:00Z',
      containerStatuses: [
        {
          name: 'web',
          state: { running: { startedAt: '2026-11-20T10:00:02Z' } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: 'registry.example.com/web:1.2.3',
          imageID: 'registry.example.com/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
          containerID: 'containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
          started: true,
        },
      ],
      qosClass: 'Burstable',
    },
  } as KObject;
}

function configMap(bytes: number): KObject {
  const o = JSON.parse(configMapBody('cm-1', 'default', bytes)) as KObject;
  const m = o.metadata as Record<string, unknown>;
  m.uid = '6f1d2c4e-9a1b-4c3d-8e7f-0a1b2c3d4e5f';
  m.resourceVersion = '123456';
  m.creationTimestamp = '2026-11-20T10:00:00Z';
  return o;
}

export function codecBench(ms: number, bytes: number): CodecResult[] {
  const out: CodecResult[] = [];
  for (const [name, obj] of [[`ConfigMap (~${bytes} B JSON)`, configMap(bytes)], ['Pod (typical, running)', pod()]] as const) {
    const jsonBuf = Buffer.from(JSON.stringify(obj));
    const protoBuf = encodeProtobufObject(obj);
    if (!protoBuf) throw new Error(`no protobuf type for ${name}`);
    // sanity: round trip
    const back = decodeProtobufObject(protoBuf);
    if ((back.metadata as { name?: string }).name !== (obj.metadata as { name?: string }).name) throw new Error('protobuf round trip failed');
    const jsonEncodePerSec = opsPerSec(ms, () => Buffer.from(JSON.stringify(obj)));
    const protoEncodePerSec = opsPerSec(ms, () => encodeProtobufObject(obj));
    const jsonDecodePerSec = opsPerSec(ms, () => JSON.parse(jsonBuf.toString('utf8')));
    const protoDecodePerSec = opsPerSec(ms, () => decodeProtobufObject(protoBuf));
    out.push({ object: name, jsonBytes: jsonBuf.length, protoBytes: protoBuf.length, jsonEncodePerSec, protoEncodePerSec, jsonDecodePerSec, protoDecodePerSec });
  }
  return out;
}
