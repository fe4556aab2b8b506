import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../src/api/types.js';
import {
  defaultPrinter,
  humanDuration,
  narrowColumns,
  printedResources,
  printerFor,
  rowConditions,
  shortHumanDuration,
  type TablePrinter,
} from '../src/registry/printers/index.js';

const NOW = new Date('2024-06-01T12:00:00Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** An RFC3339 timestamp `ms` before NOW. */
function ago(ms: number): string {
  return new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function meta(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, namespace: 'default', uid: 'u-' + name, creationTimestamp: ago(5 * M), ...extra };
}

function cells(group: string, resource: string, obj: KObject): unknown[] {
  return printerFor(group, resource).cells(obj, NOW);
}

function columnSummary(p: TablePrinter): [string, number][] {
  return p.columns.map((c) => [c.name, c.priority]);
}

const NAME_DESC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

describe('HumanDuration / ShortHumanDuration', () => {
  test('HumanDuration boundaries', () => {
    const cases: [number, string][] = [
      [-2 * S, '<invalid>'],
      [-1999, '0s'],
      [-1 * S, '0s'],
      [0, '0s'],
      [999, '0s'],
      [S, '1s'],
      [119 * S, '119s'],
      [2 * M, '2m'],
      [2 * M + 1 * S, '2m1s'],
      [9 * M + 59 * S, '9m59s'],
      [10 * M, '10m'],
      [10 * M + 30 * S, '10m'],
      [179 * M, '179m'],
      [3 * H, '3h'],
      [3 * H + 1 * M, '3h1m'],
      [7 * H + 59 * M, '7h59m'],
      [8 * H, '8h'],
      [47 * H + 59 * M, '47h'],
      [48 * H, '2d'],
      [3 * D + 4 * H, '3d4h'],
      [7 * D + 23 * H, '7d23h'],
      [8 * D, '8d'],
      [729 * D, '729d'],
      [730 * D, '2y'],
      [731 * D, '2y1d'],
      [8 * 365 * D - 1, '7y364d'],
      [8 * 365 * D, '8y'],
      [20 * 365 * D, '20y'],
    ];
    for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `HumanDuration(${ms}ms)`);
  });

  test('ShortHumanDuration boundaries', () => {
    const cases: [number, string][] = [
      [-2 * S, '<invalid>'],
      [-1 * S, '0s'],
      [59 * S, '59s'],
      [60 * S, '1m'],
      [59 * M + 59 * S, '59m'],
      [H, '1h'],
      [23 * H, '23h'],
      [24 * H, '1d'],
      [364 * D, '364d'],
      [365 * D, '1y'],
      [3 * 365 * D + 5 * D, '3y'],
    ];
    for (const [ms, want] of cases) assert.equal(shortHumanDuration(ms), want, `ShortHumanDuration(${ms}ms)`);
  });
});

describe('default printer', () => {
  test('columns and cells', () => {
    assert.deepEqual(defaultPrinter.columns[0], { name: 'Name', type: 'string', format: 'name', description: NAME_DESC, priority: 0 });
    assert.equal(defaultPrinter.columns[1]?.name, 'Created At');
    assert.equal(defaultPrinter.columns[1]?.type, 'date');
    assert.equal(defaultPrinter.columns[1]?.format, '');
    assert.match(defaultPrinter.columns[1]?.description ?? '', /^CreationTimestamp is a timestamp/);
    const role: KObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', creationTimestamp: '2024-05-01T10:20:30Z' } };
    assert.deepEqual(defaultPrinter.cells(role, NOW), ['r', '2024-05-01T10:20:30Z']);
    assert.deepEqual(defaultPrinter.cells({ metadata: { name: 'x' } }, NOW), ['x', '0001-01-01T00:00:00Z']);
  });

  test('resources without printers use it', () => {
    for (const [g, r] of [
      ['rbac.authorization.k8s.io', 'roles'],
      ['rbac.authorization.k8s.io', 'clusterroles'],
      ['', 'limitranges'],
      ['apiextensions.k8s.io', 'customresourcedefinitions'],
      ['example.com', 'widgets'],
    ] as const) {
      assert.equal(printerFor(g, r), defaultPrinter, `${g}/${r}`);
    }
  });
});

describe('pods', () => {
  const p = printerFor('', 'pods');

  test('columns', () => {
    assert.deepEqual(columnSummary(p), [
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    assert.equal(p.columns[3]?.type, 'string');
    assert.equal(p.columns[0]?.format, 'name');
    assert.deepEqual(narrowColumns(p.columns).map((c) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
  });

  test('running pod with restarts', () => {
    const pod: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('web-1', { creationTimestamp: ago(3 * D + 4 * H) }),
      spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'nginx' }, { name: 'side', image: 'busybox' }] },
      status: {
        phase: 'Running',
        podIP: '10.0.0.5',
        podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'app', ready: true, restartCount: 3, state: { running: { startedAt: ago(5 * M) } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * M) } } },
          { name: 'side', ready: false, restartCount: 0, state: { running: { startedAt: ago(1 * H) } } },
        ],
      },
    };
    assert.deepEqual(p.cells(pod, NOW), ['web-1', '1/2', 'Running', '3 (5m ago)', '3d4h', '10.0.0.5', 'node-a', '<none>', '<none>']);
    assert.equal(rowConditions(p, pod), undefined);
  });

  test('pending pod (unscheduled)', () => {
    const pod: KObject = {
      metadata: meta('pend'),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
    };
    assert.deepEqual(p.cells(pod, NOW), ['pend', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  });

  test('scheduling gated', () => {
    const pod: KObject = {
      metadata: meta('gated'),
      spec: { containers: [{ name: 'a', image: 'a' }], schedulingGates: [{ name: 'x' }] },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
    };
    assert.equal(p.cells(pod, NOW)[2], 'SchedulingGated');
  });

  test('CrashLoopBackOff and ContainerCreating', () => {
    const crash: KObject = {
      metadata: meta('crash'),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'a',
            ready: false,
            restartCount: 7,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(90 * S) } },
          },
        ],
      },
    };
    assert.deepEqual(p.cells(crash, NOW).slice(0, 4), ['crash', '0/1', 'CrashLoopBackOff', '7 (90s ago)']);
    const creating: KObject = {
      metadata: meta('creating'),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
    };
    assert.deepEqual(p.cells(creating, NOW).slice(1, 4), ['0/1', 'ContainerCreating', '0']);
  });

  test('completed and failed pods carry row conditions', () => {
    const done: KObject = {
      metadata: meta('job-abc'),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      },
    };
    assert.deepEqual(p.cells(done, NOW).slice(1, 4), ['0/1', 'Completed', '0']);
    assert.deepEqual(rowConditions(p, done), [
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    const failed: KObject = {
      metadata: meta('bad'),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: { phase: 'Failed', containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error' } } }] },
    };
    assert.equal(p.cells(failed, NOW)[2], 'Error');
    assert.deepEqual(rowConditions(p, failed), [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
    const signal: KObject = {
      metadata: meta('sig'),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137, signal: 9 } } }] },
    };
    assert.equal(p.cells(signal, NOW)[2], 'Signal:9');
    const exit: KObject = {
      metadata: meta('exit'),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 3 } } }] },
    };
    assert.equal(p.cells(exit, NOW)[2], 'ExitCode:3');
  });

  test('Completed with a running container flips back to Running / NotReady', () => {
    const mk = (ready: boolean): KObject => ({
      metadata: meta('mixed'),
      spec: { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
        containerStatuses: [
          { name: 'a', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'b', ready: true, state: { running: {} } },
        ],
      },
    });
    assert.deepEqual(p.cells(mk(true), NOW).slice(1, 3), ['1/2', 'Running']);
    assert.deepEqual(p.cells(mk(false), NOW).slice(1, 3), ['1/2', 'NotReady']);
  });

  test('init containers', () => {
    const base = {
      metadata: meta('init'),
      spec: {
        initContainers: [
          { name: 'i1', image: 'x' },
          { name: 'i2', image: 'x' },
        ],
        containers: [{ name: 'a', image: 'a' }],
      },
    };
    const running: KObject = {
      ...base,
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'i2', restartCount: 0, state: { running: {} } },
        ],
        containerStatuses: [{ name: 'a', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      },
    };
    assert.deepEqual(p.cells(running, NOW).slice(1, 4), ['0/1', 'Init:1/2', '0']);
    const crashing: KObject = {
      ...base,
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'i1',
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(2 * M) } },
          },
          { name: 'i2', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
        ],
      },
    };
    assert.deepEqual(p.cells(crashing, NOW).slice(1, 4), ['0/1', 'Init:CrashLoopBackOff', '4 (2m ago)']);
    const errored: KObject = {
      ...base,
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 1 } } }] },
    };
    assert.equal(p.cells(errored, NOW)[2], 'Init:ExitCode:1');
    const reasoned: KObject = {
      ...base,
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 1, reason: 'OOMKilled' } } }] },
    };
    assert.equal(p.cells(reasoned, NOW)[2], 'Init:OOMKilled');
  });

  test('sidecar (restartable init container) counts toward READY', () => {
    const pod: KObject = {
      metadata: meta('sidecar'),
      spec: {
        initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }],
        containers: [{ name: 'a', image: 'a' }],
      },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        initContainerStatuses: [
          { name: 'proxy', ready: true, started: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(20 * M) } } },
        ],
        containerStatuses: [{ name: 'a', ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30 * M) } } }],
      },
    };
    assert.deepEqual(p.cells(pod, NOW).slice(1, 4), ['2/2', 'Running', '3 (20m ago)']);
  });

  test('terminating and node-lost pods', () => {
    const term: KObject = {
      metadata: meta('term', { deletionTimestamp: ago(10 * S) }),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }] },
    };
    assert.equal(p.cells(term, NOW)[2], 'Terminating');
    const lost: KObject = {
      metadata: meta('lost', { deletionTimestamp: ago(10 * S) }),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: { phase: 'Running', reason: 'NodeLost' },
    };
    assert.equal(p.cells(lost, NOW)[2], 'Unknown');
    const evicted: KObject = {
      metadata: meta('ev'),
      spec: { containers: [{ name: 'a', image: 'a' }] },
      status: { phase: 'Failed', reason: 'Evicted' },
    };
    assert.equal(p.cells(evicted, NOW)[2], 'Evicted');
  });

  test('wide columns: nominated node and readiness gates', () => {
    const pod: KObject = {
      metadata: meta('gates'),
      spec: { containers: [{ name: 'a', image: 'a' }], readinessGates: [{ conditionType: 'example.com/ready' }, { conditionType: 'example.com/other' }] },
      status: {
        phase: 'Pending',
        podIP: '10.1.1.1',
        nominatedNodeName: 'node-b',
        conditions: [{ type: 'example.com/ready', status: 'True' }],
      },
    };
    assert.deepEqual(p.cells(pod, NOW).slice(5), ['10.1.1.1', '<none>', 'node-b', '1/2']);
  });
});

describe('apps', () => {
  test('deployment', () => {
    const p = printerFor('apps', 'deployments');
    assert.deepEqual(columnSummary(p), [
      ['Name', 0],
      ['Ready', 0],
      ['Up-to-date', 0],
      ['Available', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
    const d: KObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('web', { creationTimestamp: ago(2 * H + 5 * M) }),
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web', tier: 'fe' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'canary'] }] },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'log', image: 'fluent' }] } },
      },
      status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 },
    };
    assert.deepEqual(p.cells(d, NOW), ['web', '2/3', 3, 2, '125m', 'nginx,log', 'nginx:1.25,fluent', 'app=web,env in (canary,prod),tier=fe']);
    const empty: KObject = { metadata: meta('e'), spec: { replicas: 0, template: { spec: { containers: [] } } }, status: {} };
    assert.deepEqual(p.cells(empty, NOW), ['e', '0/0', 0, 0, '5m', '', '', '']);
  });

  test('replicaset, daemonset, statefulset, controllerrevision', () => {
    const rs: KObject = {
      metadata: meta('web-5d4f'),
      spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f' } }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
      status: { replicas: 2, readyReplicas: 1 },
    };
    assert.deepEqual(cells('apps', 'replicasets', rs), ['web-5d4f', 2, 2, 1, '5m', 'c', 'i', 'app=web,pod-template-hash=5d4f']);
    assert.deepEqual(columnSummary(printerFor('apps', 'replicasets')).map(([n]) => n), [
      'Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector',
    ]);

    const ds: KObject = {
      metadata: meta('agent'),
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent:1' }] } },
      },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    };
    assert.deepEqual(cells('apps', 'daemonsets', ds), ['agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '5m', 'a', 'agent:1', 'app=agent']);
    assert.deepEqual(printerFor('apps', 'daemonsets').columns.map((c) => c.name), [
      'Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers', 'Images', 'Selector',
    ]);
    const dsNoSel: KObject = { metadata: meta('x'), spec: { template: { spec: { containers: [] } } }, status: {} };
    assert.deepEqual(cells('apps', 'daemonsets', dsNoSel).slice(6), ['<none>', '5m', '', '', '<none>']);

    const sts: KObject = {
      metadata: meta('db'),
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } } },
      status: { replicas: 3, readyReplicas: 3 },
    };
    assert.deepEqual(cells('apps', 'statefulsets', sts), ['db', '3/3', '5m', 'pg', 'postgres:16']);
    assert.deepEqual(columnSummary(printerFor('apps', 'statefulsets')), [['Name', 0], ['Ready', 0], ['Age', 0], ['Containers', 1], ['Images', 1]]);

    const cr: KObject = {
      metadata: meta('agent-6b7c', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'x', controller: true }] }),
      revision: 4,
      data: {},
    };
    assert.deepEqual(cells('apps', 'controllerrevisions', cr), ['agent-6b7c', 'daemonset.apps/agent', 4, '5m']);
    assert.deepEqual(cells('apps', 'controllerrevisions', { metadata: meta('orphan'), revision: 1 }), ['orphan', '<none>', 1, '5m']);
  });

  test('replication controller', () => {
    const rc: KObject = {
      metadata: meta('rc1'),
      spec: { replicas: 2, selector: { b: '2', a: '1' }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
      status: { replicas: 2, readyReplicas: 2 },
    };
    assert.deepEqual(cells('', 'replicationcontrollers', rc), ['rc1', 2, 2, 2, '5m', 'c', 'i', 'a=1,b=2']);
  });

  test('scale subresource', () => {
    const p = printerFor('apps', 'deployments/scale');
    assert.deepEqual(columnSummary(p), [['Name', 0], ['Desired', 0], ['Available', 0], ['Age', 0]]);
    assert.equal(p.columns[0]?.format, '');
    const scale: KObject = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: meta('web'), spec: { replicas: 5 }, status: { replicas: 3, selector: 'app=web' } };
    assert.deepEqual(p.cells(scale, NOW), ['web', 5, 3, '5m']);
    assert.equal(printerFor('apps', 'deployments/status'), printerFor('apps', 'deployments'));
  });
});

describe('batch', () => {
  test('job columns and statuses', () => {
    const p = printerFor('batch', 'jobs');
    assert.deepEqual(columnSummary(p), [
      ['Name', 0],
      ['Status', 0],
      ['Completions', 0],
      ['Duration', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
    const tmpl = { spec: { containers: [{ name: 'pi', image: 'perl' }] } };
    const sel = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } };
    const complete: KObject = {
      metadata: meta('pi', { creationTimestamp: ago(10 * M) }),
      spec: { completions: 1, parallelism: 1, selector: sel, template: tmpl },
      status: {
        succeeded: 1,
        startTime: ago(10 * M),
        completionTime: ago(10 * M - 42 * S),
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True' },
          { type: 'Complete', status: 'True' },
        ],
      },
    };
    assert.deepEqual(p.cells(complete, NOW), ['pi', 'Complete', '1/1', '42s', '10m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=abc']);
    const running: KObject = {
      metadata: meta('work'),
      spec: { parallelism: 3, template: tmpl },
      status: { succeeded: 1, active: 2, startTime: ago(3 * M + 10 * S) },
    };
    assert.deepEqual(p.cells(running, NOW).slice(0, 4), ['work', 'Running', '1/1 of 3', '3m10s']);
    const failed: KObject = {
      metadata: meta('f'),
      spec: { completions: 5, template: tmpl },
      status: { failed: 6, startTime: ago(H), conditions: [{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True' }] },
    };
    assert.deepEqual(p.cells(failed, NOW).slice(1, 4), ['Failed', '0/5', '60m']);
    const suspended: KObject = {
      metadata: meta('s'),
      spec: { completions: 2, suspend: true, template: tmpl },
      status: { conditions: [{ type: 'Suspended', status: 'True' }] },
    };
    assert.deepEqual(p.cells(suspended, NOW).slice(1, 4), ['Suspended', '0/2', '']);
    const terminating: KObject = { metadata: meta('t', { deletionTimestamp: ago(1 * S) }), spec: { template: tmpl }, status: {} };
    assert.deepEqual(p.cells(terminating, NOW).slice(1, 3), ['Terminating', '0/1']);
    const target: KObject = { metadata: meta('ft'), spec: { template: tmpl }, status: { conditions: [{ type: 'FailureTarget', status: 'True' }] } };
    assert.equal(p.cells(target, NOW)[1], 'FailureTarget');
  });

  test('cronjob', () => {
    const p = printerFor('batch', 'cronjobs');
    assert.deepEqual(p.columns.map((c) => c.name), [
      'Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector',
    ]);
    assert.equal(p.columns[3]?.type, 'boolean');
    const cj: KObject = {
      metadata: meta('hello', { creationTimestamp: ago(2 * D) }),
      spec: {
        schedule: '*/5 * * * *',
        suspend: false,
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }] } } } },
      },
      status: { active: [{ name: 'hello-1' }], lastScheduleTime: ago(3 * M) },
    };
    assert.deepEqual(p.cells(cj, NOW), ['hello', '*/5 * * * *', '<none>', 'False', 1, '3m', '2d', 'hello', 'busybox', '<none>']);
    const tz: KObject = { metadata: meta('tz'), spec: { schedule: '@daily', timeZone: 'Etc/UTC', jobTemplate: { spec: { template: { spec: { containers: [] } } } } }, status: {} };
    assert.deepEqual(p.cells(tz, NOW).slice(1, 6), ['@daily', 'Etc/UTC', '<unset>', 0, '<none>']);
  });
});

describe('services and networking', () => {
  const p = printerFor('', 'services');

  test('columns', () => {
    assert.deepEqual(columnSummary(p), [
      ['Name', 0],
      ['Type', 0],
      ['Cluster-IP', 0],
      ['External-IP', 0],
      ['Port(s)', 0],
      ['Age', 0],
      ['Selector', 1],
    ]);
  });

  test('ClusterIP, headless, NodePort, LoadBalancer, ExternalName', () => {
    const cip: KObject = {
      metadata: meta('kubernetes', { creationTimestamp: ago(40 * D) }),
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    };
    assert.deepEqual(p.cells(cip, NOW), ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '40d', '<none>']);
    const headless: KObject = {
      metadata: meta('db'),
      spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'db' } },
    };
    assert.deepEqual(p.cells(headless, NOW), ['db', 'ClusterIP', 'None', '<none>', '<none>', '5m', 'app=db']);
    const np: KObject = {
      metadata: meta('np'),
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.3.4',
        externalIPs: ['1.2.3.4'],
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 53, nodePort: 30053, protocol: 'UDP' },
        ],
        selector: { app: 'np' },
      },
    };
    assert.deepEqual(p.cells(np, NOW), ['np', 'NodePort', '10.96.3.4', '1.2.3.4', '80:30080/TCP,53:30053/UDP', '5m', 'app=np']);
    const lbPending: KObject = {
      metadata: meta('lb'),
      spec: { type: 'LoadBalancer', clusterIPs: ['10.96.9.9'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] },
      status: { loadBalancer: {} },
    };
    assert.deepEqual(p.cells(lbPending, NOW).slice(1, 5), ['LoadBalancer', '10.96.9.9', '<pending>', '80:31000/TCP']);
    const lb: KObject = {
      metadata: meta('lb2'),
      spec: { type: 'LoadBalancer', clusterIPs: ['10.96.9.10'], externalIPs: ['5.5.5.5'], ports: [{ port: 443, protocol: 'TCP' }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'a-very-long-hostname.elb.example.com' }, { ip: '203.0.113.9' }] } },
    };
    // Server-side tables are generated wide: no 16-character clipping.
    assert.equal(p.cells(lb, NOW)[3], '203.0.113.9,a-very-long-hostname.elb.example.com,5.5.5.5');
    const ext: KObject = { metadata: meta('ext'), spec: { type: 'ExternalName', externalName: 'db.example.com' } };
    assert.deepEqual(p.cells(ext, NOW).slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
  });

  test('endpoints and endpointslices', () => {
    const ep: KObject = {
      metadata: meta('web'),
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }],
          ports: [
            { name: 'http', port: 80, protocol: 'TCP' },
            { name: 'https', port: 443, protocol: 'TCP' },
          ],
        },
      ],
    };
    assert.deepEqual(cells('', 'endpoints', ep), ['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '5m']);
    assert.deepEqual(cells('', 'endpoints', { metadata: meta('none') }), ['none', '<none>', '5m']);
    const v6: KObject = { metadata: meta('v6'), subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 8080 }] }] };
    assert.equal(cells('', 'endpoints', v6)[1], '[fd00::1]:8080');
    const headless: KObject = { metadata: meta('h'), subsets: [{ addresses: [{ ip: '10.0.0.9' }] }] };
    assert.equal(cells('', 'endpoints', headless)[1], '10.0.0.9');

    const eps: KObject = {
      metadata: meta('web-abc12'),
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
    };
    assert.deepEqual(cells('discovery.k8s.io', 'endpointslices', eps), ['web-abc12', 'IPv4', '80', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '5m']);
    const emptySlice: KObject = { metadata: meta('e'), addressType: 'IPv6', ports: [{}] };
    assert.deepEqual(cells('discovery.k8s.io', 'endpointslices', emptySlice), ['e', 'IPv6', '*', '<unset>', '5m']);
  });

  test('ingress, ingressclass, networkpolicy', () => {
    const ing: KObject = {
      metadata: meta('shop'),
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }, {}, { host: 'c.example.com' }, { host: 'd.example.com' }],
        tls: [{ hosts: ['a.example.com'] }],
      },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
    };
    assert.deepEqual(cells('networking.k8s.io', 'ingresses', ing), ['shop', 'nginx', 'a.example.com,b.example.com,c.example.com + 2 more...', '192.0.2.10', '80, 443', '5m']);
    const bare: KObject = { metadata: meta('bare'), spec: { defaultBackend: { service: { name: 'x', port: { number: 80 } } } } };
    assert.deepEqual(cells('networking.k8s.io', 'ingresses', bare), ['bare', '<none>', '*', '', '80', '5m']);
    assert.deepEqual(printerFor('networking.k8s.io', 'ingresses').columns.map((c) => c.name), ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);

    const ic: KObject = { metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } } };
    assert.deepEqual(cells('networking.k8s.io', 'ingressclasses', ic), ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '5m']);

    const np: KObject = { metadata: meta('deny'), spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    assert.deepEqual(cells('networking.k8s.io', 'networkpolicies', np), ['deny', '<none>', '5m']);
    const np2: KObject = { metadata: meta('allow'), spec: { podSelector: { matchExpressions: [{ key: 'role', operator: 'Exists' }, { key: 'tier', operator: 'DoesNotExist' }] } } };
    assert.equal(cells('networking.k8s.io', 'networkpolicies', np2)[1], 'role,!tier');
  });
});

describe('core misc', () => {
  test('events (core/v1 and events.k8s.io/v1)', () => {
    const p = printerFor('', 'events');
    assert.deepEqual(columnSummary(p), [
      ['Last Seen', 0],
      ['Type', 0],
      ['Reason', 0],
      ['Object', 0],
      ['Subobject', 1],
      ['Source', 1],
      ['Message', 0],
      ['First Seen', 1],
      ['Count', 1],
      ['Name', 1],
    ]);
    assert.equal(p.columns[9]?.format, 'name');
    const ev: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta('web-1.17a'),
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container\n',
      source: { component: 'kubelet', host: 'node-a' },
      firstTimestamp: ago(1 * H),
      lastTimestamp: ago(30 * S),
      count: 12,
      type: 'Warning',
      reportingComponent: 'kubelet',
      reportingInstance: 'node-a',
    };
    assert.deepEqual(p.cells(ev, NOW), ['30s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-a', 'Back-off restarting failed container', '60m', 12, 'web-1.17a']);
    const newStyle: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta('n.1'),
      involvedObject: { kind: 'Node', name: 'node-a' },
      reason: 'Starting',
      message: 'Starting kubelet.',
      eventTime: ago(4 * M + S).replace('Z', '.123456Z'), // 4m0.877s ago
      firstTimestamp: null,
      lastTimestamp: null,
      reportingComponent: 'kubelet',
      reportingInstance: 'node-a',
      source: {},
      type: 'Normal',
    };
    assert.deepEqual(p.cells(newStyle, NOW), ['4m', 'Normal', 'Starting', 'node/node-a', '', 'kubelet, node-a', 'Starting kubelet.', '4m', 1, 'n.1']);
    const eventsV1: KObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: meta('s.2'),
      eventTime: ago(2 * H),
      series: { count: 5, lastObservedTime: ago(9 * M) },
      reportingController: 'default-scheduler',
      reportingInstance: 'default-scheduler-cp-1',
      action: 'Scheduling',
      reason: 'FailedScheduling',
      regarding: { kind: 'Pod', name: 'p' },
      note: '0/3 nodes are available',
      type: 'Warning',
    };
    assert.deepEqual(printerFor('events.k8s.io', 'events').cells(eventsV1, NOW), [
      '9m', 'Warning', 'FailedScheduling', 'pod/p', '', 'default-scheduler, default-scheduler-cp-1', '0/3 nodes are available', '120m', 5, 's.2',
    ]);
  });

  test('namespaces, secrets, configmaps, serviceaccounts', () => {
    assert.deepEqual(cells('', 'namespaces', { metadata: { name: 'kube-system', creationTimestamp: ago(100 * D) }, status: { phase: 'Active' } }), ['kube-system', 'Active', '100d']);
    assert.deepEqual(cells('', 'namespaces', { metadata: { name: 'gone', creationTimestamp: ago(1 * D), deletionTimestamp: ago(1 * M) }, status: { phase: 'Terminating' } }), ['gone', 'Terminating', '24h']);
    assert.deepEqual(printerFor('', 'namespaces').columns.map((c) => c.name), ['Name', 'Status', 'Age']);

    const secret: KObject = { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==', 'tls.key': 'Yg==' } };
    assert.deepEqual(cells('', 'secrets', secret), ['tls', 'kubernetes.io/tls', 2, '5m']);
    assert.deepEqual(cells('', 'secrets', { metadata: meta('empty'), type: 'Opaque' }), ['empty', 'Opaque', 0, '5m']);
    assert.deepEqual(printerFor('', 'secrets').columns.map((c) => c.name), ['Name', 'Type', 'Data', 'Age']);

    const cm: KObject = { metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } };
    assert.deepEqual(cells('', 'configmaps', cm), ['cfg', 3, '5m']);

    assert.deepEqual(cells('', 'serviceaccounts', { metadata: meta('default') }), ['default', 0, '5m']);
    assert.deepEqual(cells('', 'serviceaccounts', { metadata: meta('bot'), secrets: [{ name: 'bot-token' }] }), ['bot', 1, '5m']);
  });

  test('nodes', () => {
    const p = printerFor('', 'nodes');
    assert.deepEqual(columnSummary(p), [
      ['Name', 0],
      ['Status', 0],
      ['Roles', 0],
      ['Age', 0],
      ['Version', 0],
      ['Internal-IP', 1],
      ['External-IP', 1],
      ['OS-Image', 1],
      ['Kernel-Version', 1],
      ['Container-Runtime', 1],
    ]);
    const node: KObject = {
      metadata: {
        name: 'cp-1',
        creationTimestamp: ago(12 * D),
        labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'master', 'kubernetes.io/hostname': 'cp-1' },
      },
      spec: { unschedulable: true },
      status: {
        conditions: [
          { type: 'MemoryPressure', status: 'False' },
          { type: 'Ready', status: 'True' },
        ],
        addresses: [
          { type: 'Hostname', address: 'cp-1' },
          { type: 'InternalIP', address: '192.168.1.10' },
        ],
        nodeInfo: { kubeletVersion: 'v1.32.1', osImage: 'Ubuntu 24.04 LTS', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.24' },
      },
    };
    assert.deepEqual(p.cells(node, NOW), [
      'cp-1', 'Ready,SchedulingDisabled', 'control-plane,master', '12d', 'v1.32.1', '192.168.1.10', '<none>', 'Ubuntu 24.04 LTS', '6.8.0', 'containerd://1.7.24',
    ]);
    const notReady: KObject = { metadata: { name: 'w', creationTimestamp: ago(1 * H) }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } };
    assert.deepEqual(p.cells(notReady, NOW), ['w', 'NotReady', '<none>', '60m', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
    assert.equal(p.cells({ metadata: { name: 'n' } }, NOW)[1], 'Unknown');
    assert.equal(p.cells({ metadata: { name: 'n' } }, NOW)[3], '<unknown>');
  });

  test('persistent volumes and claims', () => {
    const pv: KObject = {
      metadata: meta('pv-1', { namespace: undefined }),
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { namespace: 'default', name: 'data' },
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    };
    assert.deepEqual(cells('', 'persistentvolumes', pv), ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '5m', 'Filesystem']);
    assert.deepEqual(printerFor('', 'persistentvolumes').columns.map((c) => [c.name, c.priority]), [
      ['Name', 0], ['Capacity', 0], ['Access Modes', 0], ['Reclaim Policy', 0], ['Status', 0], ['Claim', 0], ['StorageClass', 0],
      ['VolumeAttributesClass', 0], ['Reason', 0], ['Age', 0], ['VolumeMode', 1],
    ]);
    const released: KObject = {
      metadata: meta('pv-2', { deletionTimestamp: ago(S), annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } }),
      spec: { accessModes: ['ReadWriteOncePod'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'new', volumeAttributesClassName: 'gold' },
      status: { phase: 'Released', reason: 'Something' },
    };
    assert.deepEqual(cells('', 'persistentvolumes', released), ['pv-2', '0', 'RWOP', 'Delete', 'Terminating', '', 'old', 'gold', 'Something', '5m', '<unset>']);

    const bound: KObject = {
      metadata: meta('data'),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'standard', volumeName: 'pv-1', volumeMode: 'Filesystem' },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } },
    };
    assert.deepEqual(cells('', 'persistentvolumeclaims', bound), ['data', 'Bound', 'pv-1', '10Gi', 'RWO', 'standard', '<unset>', '5m', 'Filesystem']);
    const pending: KObject = { metadata: meta('wait'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
    assert.deepEqual(cells('', 'persistentvolumeclaims', pending), ['wait', 'Pending', '', '', '', '', '<unset>', '5m', '<unset>']);
  });

  test('resource quotas, component statuses, pod templates', () => {
    const rq: KObject = {
      metadata: meta('compute'),
      spec: {},
      status: {
        hard: { 'limits.memory': '2Gi', pods: '10', 'requests.cpu': '1', 'limits.cpu': '2' },
        used: { 'limits.memory': '512Mi', pods: '3', 'requests.cpu': '500m' },
      },
    };
    assert.deepEqual(cells('', 'resourcequotas', rq), ['compute', 'pods: 3/10, requests.cpu: 500m/1', 'limits.cpu: 0/2, limits.memory: 512Mi/2Gi', '5m']);
    const cs: KObject = { metadata: { name: 'etcd-0' }, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] };
    assert.deepEqual(cells('', 'componentstatuses', cs), ['etcd-0', 'Healthy', 'ok', '']);
    const pt: KObject = { metadata: meta('tmpl'), template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'ia' }, { name: 'b', image: 'ib' }] } } };
    assert.deepEqual(cells('', 'podtemplates', pt), ['tmpl', 'a,b', 'ia,ib', 'app=x']);
  });
});

describe('other groups', () => {
  test('rbac bindings', () => {
    const p = printerFor('rbac.authorization.k8s.io', 'rolebindings');
    assert.deepEqual(columnSummary(p), [['Name', 0], ['Role', 0], ['Age', 0], ['Users', 1], ['Groups', 1], ['ServiceAccounts', 1]]);
    assert.equal(p.columns[3]?.description, 'Users in the roleBinding');
    const rb: KObject = {
      metadata: meta('edit'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'User', name: 'bob' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' },
      ],
    };
    assert.deepEqual(p.cells(rb, NOW), ['edit', 'ClusterRole/edit', '5m', 'alice, bob', 'devs', 'tools/ci']);
    const crb = printerFor('rbac.authorization.k8s.io', 'clusterrolebindings');
    assert.equal(crb.columns[5]?.description, 'ServiceAccounts in the clusterRoleBinding');
    assert.deepEqual(crb.cells({ metadata: meta('x'), roleRef: { kind: 'ClusterRole', name: 'view' } }, NOW), ['x', 'ClusterRole/view', '5m', '', '', '']);
  });

  test('certificates, leases, storage, scheduling', () => {
    const csr: KObject = {
      metadata: meta('csr-1'),
      spec: { signerName: 'kubernetes.io/kube-apiserver-client', username: 'alice', expirationSeconds: 86400, request: 'LS0t' },
      status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0tLS1' },
    };
    assert.deepEqual(cells('certificates.k8s.io', 'certificatesigningrequests', csr), ['csr-1', '5m', 'kubernetes.io/kube-apiserver-client', 'alice', '24h', 'Approved,Issued']);
    assert.deepEqual(printerFor('certificates.k8s.io', 'certificatesigningrequests').columns.map((c) => c.name), [
      'Name', 'Age', 'SignerName', 'Requestor', 'RequestedDuration', 'Condition',
    ]);
    const denied: KObject = { metadata: meta('csr-2'), spec: {}, status: { conditions: [{ type: 'Approved' }, { type: 'Denied' }, { type: 'Failed' }] } };
    assert.deepEqual(cells('certificates.k8s.io', 'certificatesigningrequests', denied).slice(2), ['<none>', '', '<none>', 'Denied,Failed']);

    const lease: KObject = { metadata: meta('kube-scheduler'), spec: { holderIdentity: 'cp-1_abc', leaseDurationSeconds: 15 } };
    assert.deepEqual(cells('coordination.k8s.io', 'leases', lease), ['kube-scheduler', 'cp-1_abc', '5m']);
    assert.deepEqual(cells('coordination.k8s.io', 'leases', { metadata: meta('l') , spec: {} }), ['l', '', '5m']);

    const sc: KObject = {
      metadata: { name: 'standard', creationTimestamp: ago(D), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    };
    assert.deepEqual(cells('storage.k8s.io', 'storageclasses', sc), ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '24h']);
    assert.deepEqual(cells('storage.k8s.io', 'storageclasses', { metadata: meta('fast'), provisioner: 'x', allowVolumeExpansion: true }), ['fast', 'x', 'Delete', 'Immediate', true, '5m']);

    const csid: KObject = { metadata: meta('ebs.csi.aws.com'), spec: { attachRequired: true, podInfoOnMount: false, volumeLifecycleModes: ['Persistent'], tokenRequests: [{ audience: 'sts' }, { audience: 'vault' }] } };
    assert.deepEqual(cells('storage.k8s.io', 'csidrivers', csid), ['ebs.csi.aws.com', true, false, false, 'sts,vault', false, 'Persistent', '5m']);
    assert.deepEqual(cells('storage.k8s.io', 'csidrivers', { metadata: meta('d'), spec: {} }), ['d', true, false, false, '<unset>', false, '<none>', '5m']);
    assert.deepEqual(cells('storage.k8s.io', 'csinodes', { metadata: meta('n'), spec: { drivers: [{ name: 'a', nodeID: 'n' }] } }), ['n', 1, '5m']);
    const va: KObject = { metadata: meta('csi-123'), spec: { attacher: 'ebs.csi.aws.com', nodeName: 'node-a', source: { persistentVolumeName: 'pv-1' } }, status: { attached: true } };
    assert.deepEqual(cells('storage.k8s.io', 'volumeattachments', va), ['csi-123', 'ebs.csi.aws.com', 'pv-1', 'node-a', true, '5m']);
    assert.deepEqual(cells('storage.k8s.io', 'csistoragecapacities', { metadata: meta('cap'), storageClassName: 'standard' }), ['cap', 'standard', '<unset>']);

    const pc: KObject = { metadata: meta('system-cluster-critical'), value: 2000000000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' };
    assert.deepEqual(cells('scheduling.k8s.io', 'priorityclasses', pc), ['system-cluster-critical', 2000000000, false, '5m', 'PreemptLowerPriority']);
    assert.deepEqual(columnSummary(printerFor('scheduling.k8s.io', 'priorityclasses')), [
      ['Name', 0], ['Value', 0], ['Global-Default', 0], ['Age', 0], ['PreemptionPolicy', 0],
    ]);
    assert.deepEqual(cells('node.k8s.io', 'runtimeclasses', { metadata: meta('gvisor'), handler: 'runsc' }), ['gvisor', 'runsc', '5m']);
    assert.equal(printerFor('node.k8s.io', 'runtimeclasses').columns[1]?.description, '');
  });

  test('autoscaling and policy', () => {
    const p = printerFor('autoscaling', 'horizontalpodautoscalers');
    assert.deepEqual(p.columns.map((c) => c.name), ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    const v2: KObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('web'),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        ],
      },
      status: {
        currentReplicas: 3,
        desiredReplicas: 3,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '120m' } } }],
      },
    };
    assert.deepEqual(p.cells(v2, NOW), ['web', 'Deployment/web', 'cpu: 45%/80%, memory: <unknown>/500Mi + 1 more...', '2', 10, 3, '5m']);
    const v1: KObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('old'),
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'old' }, maxReplicas: 4, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 1 },
    };
    assert.deepEqual(p.cells(v1, NOW), ['old', 'Deployment/old', 'cpu: <unknown>/50%', '<unset>', 4, 1, '5m']);

    const pdb: KObject = { metadata: meta('zk'), spec: { minAvailable: 2, selector: { matchLabels: { app: 'zk' } } }, status: { disruptionsAllowed: 1 } };
    assert.deepEqual(cells('policy', 'poddisruptionbudgets', pdb), ['zk', '2', 'N/A', 1, '5m']);
    assert.deepEqual(cells('policy', 'poddisruptionbudgets', { metadata: meta('p'), spec: { maxUnavailable: '25%' }, status: {} }), ['p', 'N/A', '25%', 0, '5m']);
  });

  test('admission, flowcontrol, apiservices', () => {
    const wh: KObject = { metadata: meta('hooks'), webhooks: [{ name: 'a.example.com' }, { name: 'b.example.com' }] };
    assert.deepEqual(cells('admissionregistration.k8s.io', 'validatingwebhookconfigurations', wh), ['hooks', 2, '5m']);
    assert.deepEqual(cells('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', { metadata: meta('m') }), ['m', 0, '5m']);
    const vap: KObject = { metadata: meta('policy'), spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'true' }] } };
    assert.deepEqual(cells('admissionregistration.k8s.io', 'validatingadmissionpolicies', vap), ['policy', 1, 'v1/ConfigMap', '5m']);
    const vapb: KObject = { metadata: meta('b'), spec: { policyName: 'policy', paramRef: { name: 'cfg', namespace: 'ns1' } } };
    assert.deepEqual(cells('admissionregistration.k8s.io', 'validatingadmissionpolicybindings', vapb), ['b', 'policy', 'ns1/cfg', '5m']);
    const vapbSel: KObject = {
      metadata: meta('b2'),
      spec: { policyName: 'p', paramRef: { selector: { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] } } },
    };
    assert.equal(
      cells('admissionregistration.k8s.io', 'validatingadmissionpolicybindings', vapbSel)[2],
      '&LabelSelector{MatchLabels:map[string]string{env: prod,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[a b],},},}',
    );

    const fs: KObject = {
      metadata: meta('exempt'),
      spec: { priorityLevelConfiguration: { name: 'exempt' }, matchingPrecedence: 1, distinguisherMethod: { type: 'ByUser' } },
      status: { conditions: [{ type: 'Dangling', status: 'False' }] },
    };
    assert.deepEqual(cells('flowcontrol.apiserver.k8s.io', 'flowschemas', fs), ['exempt', 'exempt', 1, 'ByUser', '5m', 'False']);
    const plc: KObject = {
      metadata: meta('workload-low'),
      spec: { type: 'Limited', limited: { nominalConcurrencyShares: 100, lendablePercent: 90, limitResponse: { type: 'Queue', queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } } } },
    };
    assert.deepEqual(cells('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations', plc), ['workload-low', 'Limited', 100, 128, 6, 50, '5m']);
    assert.deepEqual(cells('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations', { metadata: meta('exempt'), spec: { type: 'Exempt', exempt: {} } }), [
      'exempt', 'Exempt', '<none>', '<none>', '<none>', '<none>', '5m',
    ]);

    const p = printerFor('apiregistration.k8s.io', 'apiservices');
    assert.deepEqual(p.columns.map((c) => c.name), ['Name', 'Service', 'Available', 'Age']);
    assert.deepEqual(p.cells({ metadata: meta('v1.apps'), spec: { group: 'apps', version: 'v1' }, status: { conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] } }, NOW), [
      'v1.apps', 'Local', 'True', '5m',
    ]);
    assert.deepEqual(
      p.cells({ metadata: meta('v1beta1.metrics.k8s.io'), spec: { service: { namespace: 'kube-system', name: 'metrics-server' } }, status: { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] } }, NOW),
      ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'False (MissingEndpoints)', '5m'],
    );
    assert.equal(p.cells({ metadata: meta('x') }, NOW)[2], 'Unknown');
  });

  test('resource.k8s.io, networking v1beta1, storage versions', () => {
    assert.deepEqual(cells('resource.k8s.io', 'resourceclaims', { metadata: meta('c'), spec: {}, status: {} }), ['c', 'pending', '5m']);
    assert.deepEqual(cells('resource.k8s.io', 'resourceclaims', { metadata: meta('c', { deletionTimestamp: ago(S) }), status: { allocation: {}, reservedFor: [{ name: 'p' }] } }), [
      'c', 'deleted,allocated,reserved', '5m',
    ]);
    assert.deepEqual(cells('resource.k8s.io', 'resourceslices', { metadata: meta('s'), spec: { nodeName: 'n1', driver: 'gpu.example.com', pool: { name: 'n1' } } }), ['s', 'n1', 'gpu.example.com', 'n1', '5m']);
    assert.deepEqual(cells('networking.k8s.io', 'servicecidrs', { metadata: meta('kubernetes'), spec: { cidrs: ['10.96.0.0/12', 'fd00::/108'] } }), ['kubernetes', '10.96.0.0/12,fd00::/108', '5m']);
    assert.deepEqual(
      cells('networking.k8s.io', 'ipaddresses', { metadata: meta('10.96.0.1'), spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'kubernetes' } } }),
      ['10.96.0.1', 'services/default/kubernetes', '5m'],
    );
    assert.deepEqual(
      cells('internal.apiserver.k8s.io', 'storageversions', { metadata: meta('apps.deployments'), status: { commonEncodingVersion: 'apps/v1', storageVersions: [{ apiServerID: 'a', encodingVersion: 'apps/v1' }] } }),
      ['apps.deployments', 'apps/v1', 'a=apps/v1', '5m'],
    );
    assert.deepEqual(cells('storagemigration.k8s.io', 'storageversionmigrations', { metadata: meta('m'), spec: { resource: { group: 'apps', version: 'v1', resource: 'deployments' } } }), [
      'm', 'deployments.v1.apps',
    ]);
  });

  test('every printer emits one cell per column (except kube\'s own IPAddress mismatch)', () => {
    for (const key of printedResources()) {
      const slash = key.indexOf('/');
      const p = printerFor(key.slice(0, slash), key.slice(slash + 1));
      const row = p.cells({ metadata: { name: 'x', creationTimestamp: ago(M) } }, NOW);
      const want = key === 'networking.k8s.io/ipaddresses' ? p.columns.length + 1 : p.columns.length;
      assert.equal(row.length, want, key);
      for (const c of p.columns) {
        assert.ok(c.priority === 0 || c.priority === 1, key);
        assert.equal(typeof c.description, 'string', key);
      }
    }
  });
});
