// API versions: --runtime-config, conversions between served versions, deprecation warnings, storage versions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../src/api/types.js';
import { builtinGroups, defaultEnabledGroups, type GroupInfo } from '../src/registry/catalog.js';
import { convertObject } from '../src/registry/conversion.js';
import {
  coreEventToEventsV1,
  eventsV1ToCoreEvent,
  hpaV1ToV2,
  hpaV2ToV1,
  multiVersionKinds,
  registerBuiltinConversions,
  stripHpaRoundTripAnnotations,
  resourceSliceV1alpha3ToV1beta1,
  resourceSliceV1beta1ToV1alpha3,
} from '../src/registry/conversions/index.js';
import { deprecationWarning } from '../src/registry/deprecation.js';
import { resolveRuntimeConfig, RuntimeConfigError } from '../src/registry/runtime-config.js';
import { computeStorageVersionHash, storageVersionHashFor, storageVersionOf } from '../src/registry/storage-versions.js';

// ---------------- --runtime-config ----------------

function served(spec: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const g of resolveRuntimeConfig(spec, builtinGroups())) {
    for (const v of g.versions) for (const r of v.resources) out.add(`${g.name}/${v.version}/${r.name}`);
  }
  return out;
}

function gvs(groups: GroupInfo[]): string[] {
  return groups.flatMap((g) => g.versions.map((v) => `${g.name}/${v.version}`));
}

function rcError(spec: string, message: string): void {
  assert.throws(
    () => resolveRuntimeConfig(spec, builtinGroups()),
    (e: unknown) => e instanceof RuntimeConfigError && e.message === message && e.flag === '--runtime-config',
    `--runtime-config=${spec}`,
  );
}

test('runtime-config: no flag serves the 1.32 defaults', () => {
  assert.deepEqual(gvs(resolveRuntimeConfig(undefined, builtinGroups())), gvs(defaultEnabledGroups()));
  assert.deepEqual(gvs(resolveRuntimeConfig('', builtinGroups())), gvs(defaultEnabledGroups()));
  const s = served(undefined);
  assert.ok(s.has('apps/v1/deployments'));
  assert.ok(!s.has('storage.k8s.io/v1beta1/volumeattributesclasses'));
  assert.ok(!s.has('resource.k8s.io/v1alpha3/deviceclasses'));
});

test('runtime-config: api/all=true enables every beta and alpha version', () => {
  const all = resolveRuntimeConfig('api/all=true', builtinGroups());
  assert.deepEqual(gvs(all), gvs(builtinGroups()));
  const s = served('api/all=true');
  assert.ok(s.has('resource.k8s.io/v1alpha3/resourceslices'));
  assert.ok(s.has('coordination.k8s.io/v1alpha2/leasecandidates'));
});

test('runtime-config: api/alpha=true, api/beta=true, api/beta=false', () => {
  const alpha = served('api/alpha=true');
  assert.ok(alpha.has('storage.k8s.io/v1alpha1/volumeattributesclasses'));
  assert.ok(!alpha.has('storage.k8s.io/v1beta1/volumeattributesclasses'));
  const beta = served('api/beta=true');
  assert.ok(beta.has('storage.k8s.io/v1beta1/volumeattributesclasses'));
  assert.ok(!beta.has('storage.k8s.io/v1alpha1/volumeattributesclasses'));
  const noBeta = served('api/all=true,api/beta=false');
  assert.ok(noBeta.has('storage.k8s.io/v1alpha1/volumeattributesclasses'));
  assert.ok(!noBeta.has('storage.k8s.io/v1beta1/volumeattributesclasses'));
  assert.ok(noBeta.has('apps/v1/deployments'));
});

test('runtime-config: api/all first, then the levels, whatever their order in the flag', () => {
  const s = served('api/beta=true,api/all=false,flowcontrol.apiserver.k8s.io/v1=true');
  assert.ok(s.has('storage.k8s.io/v1beta1/volumeattributesclasses'));
  assert.ok(!s.has('apps/v1/deployments'));
  assert.ok(s.has('flowcontrol.apiserver.k8s.io/v1/flowschemas'));
});

test('runtime-config: group versions override levels; core is v1, api/v1 or /v1', () => {
  const s = served('api/all=false,apps/v1=true,v1=true,flowcontrol.apiserver.k8s.io/v1=true');
  assert.ok(s.has('apps/v1/deployments'));
  assert.ok(s.has('/v1/pods'));
  assert.ok(!s.has('batch/v1/jobs'));
  assert.ok(served('storage.k8s.io/v1beta1').has('storage.k8s.io/v1beta1/volumeattributesclasses'), 'missing value = true');
  assert.ok(served('storage.k8s.io/v1beta1=1').has('storage.k8s.io/v1beta1/volumeattributesclasses'), 'ParseBool 1');
  assert.ok(!served('batch/v1=F').has('batch/v1/jobs'), 'ParseBool F');
  assert.ok(!served('api/v1=false').has('/v1/pods'));
});

test('runtime-config: a single resource off, or on in a disabled version', () => {
  const s = served('apps/v1/deployments=false');
  assert.ok(!s.has('apps/v1/deployments'));
  assert.ok(s.has('apps/v1/statefulsets'));
  const groups = resolveRuntimeConfig('apps/v1/deployments=false', builtinGroups());
  const apps = groups.find((g) => g.name === 'apps')!;
  assert.ok(!apps.versions[0]!.resources.some((r) => r.name === 'deployments'));

  const one = served('resource.k8s.io/v1beta1/deviceclasses=true');
  assert.ok(one.has('resource.k8s.io/v1beta1/deviceclasses'));
  assert.ok(!one.has('resource.k8s.io/v1beta1/resourceclaims'));

  // A resource preference beats its version preference, whatever the order in the flag.
  const off = served('apps/v1=false,apps/v1/deployments=true');
  assert.ok(off.has('apps/v1/deployments'));
  assert.ok(!off.has('apps/v1/replicasets'));
  const off2 = served('apps/v1/deployments=true,apps/v1=false');
  assert.deepEqual([...off2].filter((k) => k.startsWith('apps/')), ['apps/v1/deployments']);

  // A group version's last resource disabled: the version (and group) disappear.
  const noVac = resolveRuntimeConfig('storage.k8s.io/v1beta1=true,storage.k8s.io/v1beta1/volumeattributesclasses=false', builtinGroups());
  assert.ok(!gvs(noVac).includes('storage.k8s.io/v1beta1'));
  // Core resources can only be addressed with the explicit empty group: kube rewrites v1/<x> to /v1.
  const noPods = served('/v1/pods=false');
  assert.ok(!noPods.has('/v1/pods') && noPods.has('/v1/services'));
  assert.ok(!served('v1/pods=false').has('/v1/services'), 'kube turns v1/pods=false into v1=false');
});

test('runtime-config: a repeated key keeps its last value; spaces are trimmed', () => {
  assert.ok(served('batch/v1=false,batch/v1=true').has('batch/v1/jobs'));
  assert.ok(!served('batch/v1=true, batch/v1 = false').has('batch/v1/jobs'));
  assert.ok(served('api/all=false,api/all=true').has('storage.k8s.io/v1alpha1/volumeattributesclasses'));
});

test('runtime-config: kube accepts registered but unserved versions and unknown resources', () => {
  assert.deepEqual(gvs(resolveRuntimeConfig('batch/v1beta1=true,extensions/v1beta1=true,apps/v1/foos=false', builtinGroups())), gvs(defaultEnabledGroups()));
});

test('runtime-config: errors carry kube-apiserver 1.32 messages', () => {
  rcError('api/all=yes', 'invalid value api/all=yes');
  rcError('api/beta', 'invalid value api/beta=');
  rcError('apps/v1=yes', 'invalid value of apps/v1: yes, err: strconv.ParseBool: parsing "yes": invalid syntax');
  rcError('apps/v2=true', 'group version apps/v2 that has not been registered');
  rcError('/v2=true', 'group version v2 that has not been registered');
  rcError('v2=true', 'runtime-config invalid key v2');
  rcError('foo.example.com/v1=true', 'unknown api groups foo.example.com');
  rcError('foo/v1=true,bar/v1/things=false', 'unknown api groups foo,bar');
  rcError('apps/v1/Deployments=false', 'invalid key apps/v1/Deployments: group/version/resource and resource is always lowercase plural, not "Deployments"');
  rcError('apps', 'runtime-config invalid key apps');
  rcError('apps/v1/deployments/scale=false', 'runtime-config invalid key apps/v1/deployments/scale');
  rcError('api/all=false', '[--runtime-config=api/all=false conflicts with --enable-priority-and-fairness=true, invalid key with only api/all=false]');
  rcError('api/ga=false,apps/v1=true', '--runtime-config=api/ga=false conflicts with --enable-priority-and-fairness=true');
  rcError('flowcontrol.apiserver.k8s.io/v1=false', '--runtime-config=flowcontrol.apiserver.k8s.io/v1=false conflicts with --enable-priority-and-fairness=true');
  // Enabling flowcontrol v1 explicitly lifts the conflict.
  assert.ok(served('api/all=false,flowcontrol.apiserver.k8s.io/v1=true').has('flowcontrol.apiserver.k8s.io/v1/flowschemas'));
});

// ---------------- conversions ----------------

registerBuiltinConversions();

const hpaV2: KObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', annotations: { team: 'a' } },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      {
        type: 'Pods',
        pods: { metric: { name: 'packets-per-second' }, target: { type: 'AverageValue', averageValue: '1k' } },
      },
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' },
          target: { type: 'Value', value: '10k' },
          metric: { name: 'requests-per-second', selector: { matchLabels: { verb: 'GET' } } },
        },
      },
      {
        type: 'External',
        external: { metric: { name: 'queue_messages_ready' }, target: { type: 'AverageValue', averageValue: '30' } },
      },
      {
        type: 'ContainerResource',
        containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ],
    behavior: {
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
    },
  },
  status: {
    observedGeneration: 3,
    currentReplicas: 3,
    desiredReplicas: 4,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '250m', averageUtilization: 75 } } },
      { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, current: { averageValue: '900' } } },
    ],
    conditions: [
      { type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'ok' },
      { type: 'ScalingActive', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'ValidMetricFound' },
    ],
  },
};

test('HPA v2 -> v1: cpu target/current in fields, the rest in kube annotations', () => {
  const v1 = convertObject(hpaV2, 'autoscaling', 'v1', 'HorizontalPodAutoscaler');
  assert.equal(v1.apiVersion, 'autoscaling/v1');
  const spec = v1['spec'] as Record<string, unknown>;
  assert.deepEqual(spec, {
    scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
    minReplicas: 2,
    maxReplicas: 10,
    targetCPUUtilizationPercentage: 60,
  });
  assert.deepEqual(v1['status'], { observedGeneration: 3, currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 75 });
  const ann = v1.metadata!.annotations!;
  assert.equal(ann['team'], 'a');
  assert.equal(
    ann['autoscaling.alpha.kubernetes.io/metrics'],
    '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}},' +
      '{"type":"Pods","pods":{"metricName":"packets-per-second","targetAverageValue":"1k"}},' +
      '{"type":"Object","object":{"target":{"kind":"Ingress","name":"main-route","apiVersion":"networking.k8s.io/v1"},"metricName":"requests-per-second","targetValue":"10k","selector":{"matchLabels":{"verb":"GET"}}}},' +
      '{"type":"External","external":{"metricName":"queue_messages_ready","targetAverageValue":"30"}},' +
      '{"type":"ContainerResource","containerResource":{"name":"cpu","targetAverageUtilization":70,"container":"app"}}]',
  );
  assert.equal(
    ann['autoscaling.alpha.kubernetes.io/current-metrics'],
    '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":75,"currentAverageValue":"250m"}},' +
      '{"type":"Pods","pods":{"metricName":"packets-per-second","currentAverageValue":"900"}}]',
  );
  assert.equal(
    ann['autoscaling.alpha.kubernetes.io/behavior'],
    '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},' +
      '"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}',
  );
  assert.equal(
    ann['autoscaling.alpha.kubernetes.io/conditions'],
    '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z","reason":"ReadyForNewScale","message":"ok"},' +
      '{"type":"ScalingActive","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z","reason":"ValidMetricFound"}]',
  );
  // The source object is left alone.
  assert.equal(hpaV2.apiVersion, 'autoscaling/v2');
  assert.deepEqual(Object.keys(hpaV2.metadata!.annotations!), ['team']);
});

test('HPA v2 -> v1 -> v2 keeps v2-only fields (behavior, several metrics, conditions)', () => {
  const back = convertObject(convertObject(hpaV2, 'autoscaling', 'v1', 'HorizontalPodAutoscaler'), 'autoscaling', 'v2', 'HorizontalPodAutoscaler');
  assert.equal(back.apiVersion, 'autoscaling/v2');
  assert.deepEqual(back.metadata, { name: 'web', namespace: 'default', annotations: { team: 'a' } });
  const spec = back['spec'] as Record<string, unknown>;
  const inSpec = hpaV2['spec'] as Record<string, unknown>;
  assert.deepEqual(spec['behavior'], inSpec['behavior']);
  // The cpu utilization metric comes back last (kube appends the targetCPU metric after the annotation's).
  const metrics = spec['metrics'] as unknown[];
  const inMetrics = inSpec['metrics'] as unknown[];
  assert.deepEqual(metrics, [...inMetrics.slice(1), inMetrics[0]]);
  const status = back['status'] as Record<string, unknown>;
  const inStatus = hpaV2['status'] as Record<string, unknown>;
  assert.deepEqual(status['currentMetrics'], inStatus['currentMetrics']);
  assert.deepEqual(status['conditions'], inStatus['conditions']);
  assert.equal(status['desiredReplicas'], 4);
  assert.equal(status['currentReplicas'], 3);
});

test('HPA v1 -> v2: targetCPUUtilizationPercentage, defaults, annotations consumed', () => {
  const v1: KObject = {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'a', namespace: 'ns' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'a' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
    status: { currentReplicas: 0, desiredReplicas: 0, currentCPUUtilizationPercentage: 20 },
  };
  const v2 = convertObject(v1, 'autoscaling', 'v2', 'HorizontalPodAutoscaler');
  assert.deepEqual(v2['spec'], {
    scaleTargetRef: { kind: 'Deployment', name: 'a', apiVersion: 'apps/v1' },
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
  });
  assert.deepEqual(v2['status'], {
    desiredReplicas: 0,
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 20 } } }],
  });

  // No target at all: kube's 80% cpu default; no status metrics: currentMetrics null.
  const bare = hpaV1ToV2({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'b' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'b' }, maxReplicas: 3 } });
  assert.deepEqual((bare['spec'] as Record<string, unknown>)['metrics'], [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(bare['status'], { desiredReplicas: 0, currentMetrics: null });

  // v1 annotations written by a client: consumed and removed; ill-formed ones ignored (still removed).
  const annotated = hpaV1ToV2({
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: 'c',
      annotations: {
        'autoscaling.alpha.kubernetes.io/metrics': '[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}}]',
        'autoscaling.alpha.kubernetes.io/behavior': '{"scaleUp":{"selectPolicy":"Disabled"}}',
        'autoscaling.alpha.kubernetes.io/conditions': 'not json',
      },
    },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'c' }, maxReplicas: 3, targetCPUUtilizationPercentage: 40 },
  });
  assert.deepEqual(annotated.metadata, { name: 'c' });
  const s = annotated['spec'] as Record<string, unknown>;
  assert.deepEqual(s['metrics'], [
    { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 40 } } },
  ]);
  assert.deepEqual(s['behavior'], { scaleUp: { selectPolicy: 'Disabled' } });
  assert.equal((annotated['status'] as Record<string, unknown>)['conditions'], undefined);
});

test('HPA v2 -> v1 drops stale round-trip annotations; v1 always has currentReplicas', () => {
  const v1 = hpaV2ToV1({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'd', annotations: { 'autoscaling.alpha.kubernetes.io/metrics': '[]' } },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 2, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
    status: { desiredReplicas: 0, currentMetrics: null },
  });
  assert.deepEqual(v1.metadata, { name: 'd' });
  assert.deepEqual(v1['spec'], { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 2, targetCPUUtilizationPercentage: 80 });
  assert.deepEqual(v1['status'], { currentReplicas: 0, desiredReplicas: 0 });
  const v2 = stripHpaRoundTripAnnotations({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'e', annotations: { 'autoscaling.alpha.kubernetes.io/behavior': '{}', keep: 'x' } } });
  assert.deepEqual(v2.metadata, { name: 'e', annotations: { keep: 'x' } });
});

const coreEvent: KObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'pod-a.17d', namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'pod-a', uid: 'u1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{app}' },
  reason: 'Pulled',
  message: 'Container image "nginx" already present on machine',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2025-01-01T00:00:00Z',
  lastTimestamp: '2025-01-01T00:05:00Z',
  count: 3,
  type: 'Normal',
  eventTime: null,
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
};

test('core/v1 Event -> events.k8s.io/v1 Event -> core/v1 Event', () => {
  const ev = convertObject(coreEvent, 'events.k8s.io', 'v1', 'Event');
  assert.deepEqual(ev, {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'pod-a.17d', namespace: 'default' },
    eventTime: null,
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    reason: 'Pulled',
    regarding: coreEvent['involvedObject'],
    note: 'Container image "nginx" already present on machine',
    type: 'Normal',
    deprecatedSource: { component: 'kubelet', host: 'node-1' },
    deprecatedFirstTimestamp: '2025-01-01T00:00:00Z',
    deprecatedLastTimestamp: '2025-01-01T00:05:00Z',
    deprecatedCount: 3,
  });
  const back = convertObject(ev, '', 'v1', 'Event');
  assert.deepEqual(back, coreEvent);
});

test('events.k8s.io/v1 Event -> core/v1 Event -> events.k8s.io/v1 Event', () => {
  const ev: KObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'e1', namespace: 'ns' },
    eventTime: '2025-02-03T04:05:06.000007Z',
    series: { count: 2, lastObservedTime: '2025-02-03T04:06:06.000000Z' },
    reportingController: 'example.com/controller',
    reportingInstance: 'controller-0',
    action: 'Reconcile',
    reason: 'Synced',
    regarding: { kind: 'Deployment', namespace: 'ns', name: 'web', apiVersion: 'apps/v1' },
    related: { kind: 'ReplicaSet', namespace: 'ns', name: 'web-abc', apiVersion: 'apps/v1' },
    note: 'synced',
    type: 'Normal',
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  };
  const core = convertObject(ev, '', 'v1', 'Event');
  assert.equal(core.apiVersion, 'v1');
  assert.deepEqual(core['involvedObject'], ev['regarding']);
  assert.equal(core['message'], 'synced');
  assert.equal(core['reportingComponent'], 'example.com/controller');
  assert.equal(core['reportingInstance'], 'controller-0');
  assert.deepEqual(core['series'], ev['series']);
  assert.deepEqual(core['related'], ev['related']);
  assert.equal(core['action'], 'Reconcile');
  assert.equal(core['eventTime'], '2025-02-03T04:05:06.000007Z');
  assert.deepEqual(core['source'], {});
  assert.equal(core['firstTimestamp'], null);
  assert.equal(core['count'], undefined);
  assert.deepEqual(convertObject(core, 'events.k8s.io', 'v1', 'Event'), ev);
  // Direct function use, with no reportingController: core still emits "".
  const minimal = eventsV1ToCoreEvent({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'x' } });
  assert.equal(minimal['reportingComponent'], '');
  assert.deepEqual(minimal['involvedObject'], {});
  assert.deepEqual(coreEventToEventsV1(minimal)['regarding'], {});
});

test('resource.k8s.io ResourceSlice capacity: v1alpha3 Quantity <-> v1beta1 {value}', () => {
  const a3: KObject = {
    apiVersion: 'resource.k8s.io/v1alpha3',
    kind: 'ResourceSlice',
    metadata: { name: 's' },
    spec: { driver: 'gpu.example.com', nodeName: 'n1', pool: { name: 'p', resourceSliceCount: 1 }, devices: [{ name: 'gpu-0', basic: { attributes: { model: { string: 'x' } }, capacity: { memory: '40Gi' } } }] },
  };
  const b1 = convertObject(a3, 'resource.k8s.io', 'v1beta1', 'ResourceSlice');
  assert.equal(b1.apiVersion, 'resource.k8s.io/v1beta1');
  assert.deepEqual((b1['spec'] as { devices: { basic: unknown }[] }).devices[0]!.basic, { attributes: { model: { string: 'x' } }, capacity: { memory: { value: '40Gi' } } });
  assert.deepEqual(convertObject(b1, 'resource.k8s.io', 'v1alpha3', 'ResourceSlice'), a3);
  assert.deepEqual(resourceSliceV1beta1ToV1alpha3(resourceSliceV1alpha3ToV1beta1(a3)), a3);
});

test('identical schemas: identity conversion with apiVersion rewritten', () => {
  const vap: KObject = {
    apiVersion: 'admissionregistration.k8s.io/v1beta1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'p' },
    spec: { failurePolicy: 'Fail', validations: [{ expression: 'object.spec.replicas <= 5' }] },
  };
  const v1 = convertObject(vap, 'admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicy');
  assert.equal(v1.apiVersion, 'admissionregistration.k8s.io/v1');
  assert.deepEqual(v1['spec'], vap['spec']);
  assert.notEqual(v1['spec'], vap['spec'], 'deep copy');
  // Every kind served in several versions of the catalogue has a conversion for each ordered pair.
  const kinds = multiVersionKinds().map((k) => `${k.group}/${k.kind}:${k.versions.join(',')}`);
  assert.ok(kinds.includes('autoscaling/HorizontalPodAutoscaler:v2,v1'));
  assert.ok(kinds.includes('storage.k8s.io/VolumeAttributesClass:v1beta1,v1alpha1'));
  assert.ok(kinds.includes('resource.k8s.io/ResourceClaim:v1beta1,v1alpha3'));
});

// ---------------- deprecation warnings ----------------

test('deprecation warnings, kube 1.32 texts', () => {
  assert.equal(deprecationWarning('', 'v1', 'ComponentStatus'), 'v1 ComponentStatus is deprecated in v1.19+');
  assert.equal(
    deprecationWarning('admissionregistration.k8s.io', 'v1beta1', 'ValidatingAdmissionPolicy'),
    'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy is deprecated in v1.31+, unavailable in v1.34+',
  );
  assert.equal(
    deprecationWarning('authentication.k8s.io', 'v1beta1', 'SelfSubjectReview'),
    'authentication.k8s.io/v1beta1 SelfSubjectReview is deprecated in v1.30+, unavailable in v1.33+',
  );
  assert.equal(
    deprecationWarning('storage.k8s.io', 'v1alpha1', 'VolumeAttributesClass'),
    'storage.k8s.io/v1alpha1 VolumeAttributesClass is deprecated in v1.32+, unavailable in v1.35+',
  );
  assert.equal(
    deprecationWarning('flowcontrol.apiserver.k8s.io', 'v1beta3', 'FlowSchema'),
    'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is deprecated in v1.29+, unavailable in v1.32+; use flowcontrol.apiserver.k8s.io/v1 FlowSchema',
  );
  assert.equal(
    deprecationWarning('policy', 'v1beta1', 'PodDisruptionBudget'),
    'policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget',
  );
  // Not yet deprecated in 1.32, or not deprecated at all.
  assert.equal(deprecationWarning('resource.k8s.io', 'v1beta1', 'DeviceClass'), undefined);
  assert.equal(deprecationWarning('resource.k8s.io', 'v1alpha3', 'DeviceClass'), undefined);
  assert.equal(deprecationWarning('networking.k8s.io', 'v1beta1', 'IPAddress'), undefined);
  assert.equal(deprecationWarning('apps', 'v1', 'Deployment'), undefined);
  assert.equal(deprecationWarning('', 'v1', 'Pod'), undefined);
});

test('deprecation: every served 1.32 kind deprecated in 1.32 warns', () => {
  const warned: string[] = [];
  for (const g of builtinGroups()) for (const v of g.versions) for (const r of v.resources) if (deprecationWarning(g.name, v.version, r.kind)) warned.push(`${g.name}/${v.version}/${r.kind}`);
  assert.deepEqual(warned.sort(), [
    '/v1/ComponentStatus',
    'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy',
    'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding',
    'authentication.k8s.io/v1beta1/SelfSubjectReview',
    'storage.k8s.io/v1alpha1/VolumeAttributesClass',
  ]);
});

// ---------------- storage versions ----------------

test('storage versions and discovery hashes', () => {
  assert.deepEqual(storageVersionOf('autoscaling', 'horizontalpodautoscalers'), { group: 'autoscaling', version: 'v2' });
  assert.deepEqual(storageVersionOf('events.k8s.io', 'events'), { group: '', version: 'v1' });
  assert.deepEqual(storageVersionOf('', 'events'), { group: '', version: 'v1' });
  assert.deepEqual(storageVersionOf('admissionregistration.k8s.io', 'validatingadmissionpolicies'), { group: 'admissionregistration.k8s.io', version: 'v1' });
  assert.deepEqual(storageVersionOf('storage.k8s.io', 'volumeattributesclasses'), { group: 'storage.k8s.io', version: 'v1beta1' });
  assert.deepEqual(storageVersionOf('networking.k8s.io', 'ipaddresses'), { group: 'networking.k8s.io', version: 'v1beta1' });
  assert.deepEqual(storageVersionOf('resource.k8s.io', 'resourceclaims'), { group: 'resource.k8s.io', version: 'v1beta1' });
  assert.deepEqual(storageVersionOf('apps', 'deployments'), { group: 'apps', version: 'v1' });

  // kube's storageversionhashdata: every version reports the storage version's hash.
  assert.equal(computeStorageVersionHash('', 'v1', 'Event'), 'r2yiGXH7wu8=');
  assert.equal(storageVersionHashFor('events.k8s.io', 'events'), 'r2yiGXH7wu8=');
  assert.equal(storageVersionHashFor('', 'events'), 'r2yiGXH7wu8=');
  assert.equal(storageVersionHashFor('autoscaling', 'horizontalpodautoscalers'), 'qwQve8ut294=');
  assert.equal(storageVersionHashFor('admissionregistration.k8s.io', 'validatingadmissionpolicies'), '6OxvlMmQ6is=');
  assert.equal(storageVersionHashFor('admissionregistration.k8s.io', 'validatingadmissionpolicybindings'), 'v9715VZqakg=');
  assert.equal(storageVersionHashFor('apps', 'deployments'), '8aSe+NMegvE=');
  assert.equal(storageVersionHashFor('', 'pods'), 'xPOwRZ+Yhw8=');
  assert.equal(storageVersionHashFor('', 'bindings'), undefined);
  assert.equal(storageVersionHashFor('authentication.k8s.io', 'selfsubjectreviews'), undefined);

  // Every persisted single-version resource keeps the catalogue's hash.
  for (const g of builtinGroups()) {
    for (const v of g.versions) {
      for (const r of v.resources) {
        const versions = g.versions.filter((x) => x.resources.some((y) => y.name === r.name));
        if (versions.length === 1 && r.storageVersionHash && !(g.name === 'events.k8s.io')) {
          assert.equal(storageVersionHashFor(g.name, r.name), r.storageVersionHash, `${g.name}/${r.name}`);
        }
      }
    }
  }
});
