// Server-side apply and managedFields (src/registry/apply) against the real built-in schemas:
// FieldsV1 exactly as kube-apiserver 1.32 writes it, apply create/update/removal semantics,
// conflicts with kube's Status, force, list and map types, status subresource separation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject, ManagedFieldsEntry } from '../src/api/types.js';
import { StatusError } from '../src/api/errors.js';
import {
  builtinTypeResolver,
  defaultResetFields,
  managerFromUserAgent,
  recordUpdate,
  serverSideApply,
  structuralTypeResolver,
  validateManagedFields,
  fieldManagerProblems,
  type ApplyOptions,
} from '../src/registry/apply/index.js';
import { FieldSet, fieldPE, keyPE, pathString, valuePE } from '../src/registry/apply/fieldpath.js';

const CM = builtinTypeResolver('io.k8s.api.core.v1.ConfigMap');
const DEPLOY = builtinTypeResolver('io.k8s.api.apps.v1.Deployment');
const POD = builtinTypeResolver('io.k8s.api.core.v1.Pod');
const T0 = new Date('2025-01-02T03:04:05.678Z');
const T1 = new Date('2025-01-02T03:05:00Z');
const T2 = new Date('2025-01-02T03:06:00Z');

function entries(o: KObject): ManagedFieldsEntry[] {
  return o.metadata?.managedFields ?? [];
}

function entry(o: KObject, manager: string, operation = 'Apply'): ManagedFieldsEntry | undefined {
  return entries(o).find((e) => e.manager === manager && e.operation === operation);
}

/** What the store does after the field manager: give the object an identity. */
function stored(o: KObject): KObject {
  const c = structuredClone(o);
  c.metadata ??= {};
  c.metadata.uid ??= '6f0b7d2e-0000-4000-8000-000000000001';
  c.metadata.resourceVersion = String(Number(c.metadata.resourceVersion ?? '0') + 1);
  c.metadata.creationTimestamp ??= '2025-01-02T03:04:05Z';
  return c;
}

function applyOpts(manager: string, extra: Partial<ApplyOptions> = {}): ApplyOptions {
  return { manager, force: false, apiVersion: 'apps/v1', now: T1, resetFields: [['status']], ...extra };
}

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}

/** A Deployment as `kubectl create deployment nginx --image=nginx` leaves it after decoding and defaulting. */
function defaultedDeployment(): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', creationTimestamp: null, labels: { app: 'nginx' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'nginx' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx',
              resources: {},
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              imagePullPolicy: 'Always',
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  };
}

describe('FieldsV1 encoding', () => {
  it('round-trips kube field sets with ".", keys, values and sorted entries', () => {
    const s = FieldSet.of(
      [fieldPE('metadata'), fieldPE('labels')],
      [fieldPE('metadata'), fieldPE('labels'), fieldPE('app')],
      [fieldPE('metadata'), fieldPE('finalizers'), valuePE('b')],
      [fieldPE('metadata'), fieldPE('finalizers'), valuePE('a')],
      [fieldPE('spec'), fieldPE('ports'), keyPE([['protocol', 'TCP'], ['port', 80]])],
      [fieldPE('spec'), fieldPE('ports'), keyPE([['protocol', 'TCP'], ['port', 80]]), fieldPE('name')],
      [fieldPE('data')],
    );
    const v1 = s.toFieldsV1();
    assert.equal(
      JSON.stringify(v1),
      '{"f:data":{},"f:metadata":{"f:finalizers":{"v:\\"a\\"":{},"v:\\"b\\"":{}},"f:labels":{".":{},"f:app":{}}},' +
        '"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{}}}}}',
    );
    assert.ok(FieldSet.fromFieldsV1(v1).equals(s));
    assert.deepEqual(
      s.paths().map(pathString),
      ['.data', '.metadata.labels', '.metadata.finalizers[="a"]', '.metadata.finalizers[="b"]', '.metadata.labels.app', '.spec.ports[port=80,protocol="TCP"]', '.spec.ports[port=80,protocol="TCP"].name'],
    );
  });

  it('validates managedFields as kube decodes them', () => {
    assert.equal(validateManagedFields([{ manager: 'a', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }]), undefined);
    assert.equal(validateManagedFields([{ manager: 'a', operation: 'Patch', apiVersion: 'v1', fieldsType: 'FieldsV1' }]), 'operation must be `Apply` or `Update`');
    assert.equal(validateManagedFields([{ manager: 'a', operation: 'Update', fieldsType: 'FieldsV1' }]), 'apiVersion must not be empty');
    assert.equal(validateManagedFields([{ manager: 'a', operation: 'Update', apiVersion: 'v1' }]), 'missing fieldsType in managed fields entry 0');
    assert.equal(validateManagedFields([{ manager: 'a', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV2' }]), 'invalid fieldsType "FieldsV2" in managed fields entry 0');
  });
});

describe('Update operations (create, PUT, non-apply PATCH)', () => {
  it('kubectl create configmap: f:data with "." and the entry as kube writes it', () => {
    const cm: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default', creationTimestamp: null }, data: { a: '1' } };
    const out = recordUpdate(undefined, cm, CM, { manager: 'kubectl-create', apiVersion: 'v1', now: T0 });
    assert.deepEqual(out.metadata?.managedFields, [
      { manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2025-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } },
    ]);
    assert.deepEqual(Object.keys(out.metadata!.managedFields![0]!), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
    assert.equal(cm.metadata?.managedFields, undefined, 'input not modified');
  });

  it('kubectl create deployment: the FieldsV1 of a created Deployment', () => {
    const out = recordUpdate(undefined, defaultedDeployment(), DEPLOY, { manager: 'kubectl-create', apiVersion: 'apps/v1', now: T0, resetFields: [['status']] });
    const e = entries(out);
    assert.equal(e.length, 1);
    assert.equal(e[0]!.manager, 'kubectl-create');
    assert.equal(e[0]!.operation, 'Update');
    assert.equal(
      JSON.stringify(e[0]!.fieldsV1),
      JSON.stringify({
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:progressDeadlineSeconds': {},
          'f:replicas': {},
          'f:revisionHistoryLimit': {},
          'f:selector': {},
          'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:image': {},
                  'f:imagePullPolicy': {},
                  'f:name': {},
                  'f:resources': {},
                  'f:terminationMessagePath': {},
                  'f:terminationMessagePolicy': {},
                },
              },
              'f:dnsPolicy': {},
              'f:restartPolicy': {},
              'f:schedulerName': {},
              'f:securityContext': {},
              'f:terminationGracePeriodSeconds': {},
            },
          },
        },
      }),
    );
  });

  it('an update takes the changed fields from their owner; owners left with nothing disappear', () => {
    const created = stored(recordUpdate(undefined, defaultedDeployment(), DEPLOY, { manager: 'kubectl-create', apiVersion: 'apps/v1', now: T0, resetFields: [['status']] }));
    const next = structuredClone(created);
    (next['spec'] as { replicas: number }).replicas = 3;
    const scaled = stored(recordUpdate(created, next, DEPLOY, { manager: 'kubectl-scale', apiVersion: 'apps/v1', now: T1, resetFields: [['status']] }));
    assert.deepEqual(entry(scaled, 'kubectl-scale', 'Update')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    assert.equal(entry(scaled, 'kubectl-scale', 'Update')?.time, '2025-01-02T03:05:00Z');
    const create = entry(scaled, 'kubectl-create', 'Update')!;
    assert.equal((create.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']!['f:replicas'], undefined);
    assert.equal(create.time, '2025-01-02T03:04:05Z', 'the previous owner keeps its time');
    // entries sorted by time
    assert.deepEqual(entries(scaled).map((x) => x.manager), ['kubectl-create', 'kubectl-scale']);

    // a no-op update changes nothing
    const same = recordUpdate(scaled, structuredClone(scaled), DEPLOY, { manager: 'other', apiVersion: 'apps/v1', now: T2, resetFields: [['status']] });
    assert.deepEqual(same.metadata?.managedFields, scaled.metadata?.managedFields);

    // the same manager's later update merges into its entry
    const n2 = structuredClone(scaled);
    (n2['spec'] as { paused?: boolean }).paused = true;
    const again = recordUpdate(scaled, n2, DEPLOY, { manager: 'kubectl-scale', apiVersion: 'apps/v1', now: T2, resetFields: [['status']] });
    assert.deepEqual(entry(again, 'kubectl-scale', 'Update')?.fieldsV1, { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
    assert.equal(entry(again, 'kubectl-scale', 'Update')?.time, '2025-01-02T03:06:00Z');

    // removing a field removes it from its owner
    const cm0 = stored(recordUpdate(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, CM, { manager: 'm1', apiVersion: 'v1', now: T0 }));
    const cm1 = recordUpdate(cm0, { ...structuredClone(cm0), data: {} }, CM, { manager: 'm2', apiVersion: 'v1', now: T1 });
    // (m2 only removed: it owns nothing; m1 keeps data itself)
    assert.deepEqual(entries(cm1).map((x) => [x.manager, x.fieldsV1]), [['m1', { 'f:data': {} }]]);
  });

  it('honours managedFields in the request: valid ones replace, [] resets, invalid ones are ignored', () => {
    const created = stored(recordUpdate(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, CM, { manager: 'm1', apiVersion: 'v1', now: T0 }));
    const reset = recordUpdate(created, { ...structuredClone(created), metadata: { ...created.metadata, managedFields: [] } }, CM, { manager: 'm2', apiVersion: 'v1', now: T1 });
    assert.equal(reset.metadata?.managedFields, undefined);

    const invalid = recordUpdate(created, { ...structuredClone(created), metadata: { ...created.metadata, managedFields: [{ manager: 'x', operation: 'Bogus' }] } }, CM, { manager: 'm2', apiVersion: 'v1', now: T1 });
    assert.deepEqual(invalid.metadata?.managedFields, created.metadata?.managedFields);

    const mine: ManagedFieldsEntry[] = [{ manager: 'custom', operation: 'Update', apiVersion: 'v1', time: '2020-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }];
    const replaced = recordUpdate(created, { ...structuredClone(created), metadata: { ...created.metadata, managedFields: mine } }, CM, { manager: 'm2', apiVersion: 'v1', now: T1 });
    assert.deepEqual(replaced.metadata?.managedFields, mine);

    // on a subresource the request's managedFields are ignored
    const sub = recordUpdate(created, { ...structuredClone(created), metadata: { ...created.metadata, managedFields: [] } }, CM, { manager: 'm2', apiVersion: 'v1', now: T1, subresource: 'status' });
    assert.deepEqual(sub.metadata?.managedFields, created.metadata?.managedFields);
  });

  it('an existing object without managedFields is not tracked by updates', () => {
    const old = stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
    const out = recordUpdate(old, { ...structuredClone(old), data: { a: '2' } }, CM, { manager: 'kubectl-edit', apiVersion: 'v1', now: T1 });
    assert.equal(out.metadata?.managedFields, undefined);
  });

  it('caps Update managers at 10, folding the oldest into "ancient-changes"', () => {
    let cur = stored(recordUpdate(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k0: 'x' } }, CM, { manager: 'm00', apiVersion: 'v1', now: new Date(Date.UTC(2025, 0, 1, 0, 0, 0)) }));
    for (let i = 1; i <= 11; i++) {
      const next = structuredClone(cur);
      (next['data'] as Record<string, string>)[`k${i}`] = 'x';
      cur = stored(recordUpdate(cur, next, CM, { manager: `m${String(i).padStart(2, '0')}`, apiVersion: 'v1', now: new Date(Date.UTC(2025, 0, 1, 0, i, 0)) }));
    }
    const e = entries(cur);
    assert.equal(e.length, 10);
    assert.equal(e[0]!.manager, 'ancient-changes');
    assert.deepEqual(e[0]!.fieldsV1, { 'f:data': { '.': {}, 'f:k0': {}, 'f:k1': {}, 'f:k2': {} } });
    assert.equal(e[0]!.time, '2025-01-01T00:02:00Z');
    assert.deepEqual(e.slice(1).map((x) => x.manager), ['m03', 'm04', 'm05', 'm06', 'm07', 'm08', 'm09', 'm10', 'm11']);
  });
});

describe('server-side apply', () => {
  const cmApply = (data: Record<string, string>, labels?: Record<string, string>): KObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'applied', namespace: 'default', ...(labels ? { labels } : {}) },
    data,
  });
  const cmOpts = (manager: string, extra: Partial<ApplyOptions> = {}): ApplyOptions => ({ manager, force: false, apiVersion: 'v1', now: T1, ...extra });

  it('creates an object: the applier owns exactly the applied fields', () => {
    const out = serverSideApply(undefined, cmApply({ a: '1', b: '2' }, { app: 'demo' }), CM, cmOpts('kubectl'));
    assert.deepEqual(out['data'], { a: '1', b: '2' });
    assert.deepEqual(out.metadata?.labels, { app: 'demo' });
    assert.deepEqual(out.metadata?.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: '2025-01-02T03:05:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
      },
    ]);
  });

  it('the docs example: a ConfigMap applied by kubectl', () => {
    const out = serverSideApply(
      undefined,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', namespace: 'default', labels: { 'test-label': 'test' } }, data: { key: 'some value' } },
      CM,
      cmOpts('kubectl'),
    );
    assert.deepEqual(entry(out, 'kubectl')?.fieldsV1, { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': { 'f:test-label': {} } } });
  });

  it('reapplying without a field removes it (unless someone else owns it) and releases it', () => {
    const v1 = stored(serverSideApply(undefined, cmApply({ a: '1', b: '2' }, { app: 'demo', tier: 'web' }), CM, cmOpts('kubectl')));
    const v2 = serverSideApply(v1, cmApply({ a: '1', c: '3' }, { app: 'demo' }), CM, cmOpts('kubectl', { now: T2 }));
    assert.deepEqual(v2['data'], { a: '1', c: '3' });
    assert.deepEqual(v2.metadata?.labels, { app: 'demo' });
    assert.equal(v2.metadata?.uid, v1.metadata?.uid, 'live metadata kept');
    assert.deepEqual(entry(v2, 'kubectl')?.fieldsV1, { 'f:data': { 'f:a': {}, 'f:c': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } });
    assert.equal(entry(v2, 'kubectl')?.time, '2025-01-02T03:06:00Z');

    // a field another manager also applied stays when one of them stops applying it
    const shared = stored(serverSideApply(stored(v2), cmApply({ c: '3' }), CM, cmOpts('other')));
    assert.deepEqual(entry(shared, 'other')?.fieldsV1, { 'f:data': { 'f:c': {} } });
    const v3 = serverSideApply(shared, cmApply({ a: '1' }, { app: 'demo' }), CM, cmOpts('kubectl'));
    assert.deepEqual(v3['data'], { a: '1', c: '3' });
    assert.deepEqual(entry(v3, 'kubectl')?.fieldsV1, { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } });
  });

  it('a no-op apply leaves the object and the time alone', () => {
    const v1 = stored(serverSideApply(undefined, cmApply({ a: '1' }), CM, cmOpts('kubectl')));
    const v2 = serverSideApply(v1, cmApply({ a: '1' }), CM, cmOpts('kubectl', { now: T2 }));
    assert.deepEqual(v2, v1);
  });

  it('Deployment: changed image, dropped env var and label (the removal semantics)', () => {
    const cfg = (image: string, env: Array<{ name: string; value: string }>, labels: Record<string, string>): KObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image, env }] },
        },
      },
    });
    const created = serverSideApply(undefined, cfg('nginx:1.25', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], { app: 'web', team: 'x' }), DEPLOY, applyOpts('kubectl'));
    assert.deepEqual(entry(created, 'kubectl')?.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {}, 'f:team': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': {
                '.': {},
                'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} }, 'k:{"name":"B"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                'f:image': {},
                'f:name': {},
              },
            },
          },
        },
      },
    });
    // the store defaults the object (another field owner appears for defaulted fields? no: defaults are nobody's)
    const live = stored(created);
    const tmpl = (live['spec'] as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template;
    tmpl.spec.containers[0]!['imagePullPolicy'] = 'IfNotPresent';
    const next = serverSideApply(live, cfg('nginx:1.27', [{ name: 'A', value: '1' }], { app: 'web' }), DEPLOY, applyOpts('kubectl', { now: T2 }));
    const c = (next['spec'] as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!;
    assert.equal(c['image'], 'nginx:1.27');
    assert.deepEqual(c['env'], [{ name: 'A', value: '1' }]);
    assert.equal(c['imagePullPolicy'], 'IfNotPresent', 'fields nobody applied stay');
    assert.deepEqual(next.metadata?.labels, { app: 'web' });
  });

  it('conflicts with another applier: 409 with kube message and causes', () => {
    const v1 = stored(serverSideApply(undefined, deploy({ replicas: 2 }), DEPLOY, applyOpts('alice')));
    const err = statusOf(() => serverSideApply(v1, deploy({ replicas: 3 }), DEPLOY, applyOpts('bob')));
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
    assert.deepEqual(err.toStatus(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' }] },
      code: 409,
    });
    // the same value is no conflict: both own it
    const both = serverSideApply(v1, deploy({ replicas: 2 }), DEPLOY, applyOpts('bob'));
    assert.deepEqual(entry(both, 'alice')?.fieldsV1, entry(both, 'bob')?.fieldsV1);
  });

  it('conflicts with Update managers print "using <apiVersion>", several conflicts are grouped by manager', () => {
    const created = stored(recordUpdate(undefined, defaultedDeployment(), DEPLOY, { manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T0, resetFields: [['status']] }));
    const err = statusOf(() => serverSideApply(created, deploy({ replicas: 5 }, 'nginx'), DEPLOY, applyOpts('kubectl')));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);

    const scaled = stored(recordUpdate(created, { ...structuredClone(created), spec: { ...(created['spec'] as object), replicas: 3 } }, DEPLOY, { manager: 'kube-controller', apiVersion: 'apps/v1', now: T1, resetFields: [['status']], subresource: 'scale' }));
    const err2 = statusOf(() =>
      serverSideApply(scaled, { ...deploy({ replicas: 5, revisionHistoryLimit: 3 }, 'nginx'), metadata: { name: 'nginx', labels: { app: 'other' } } }, DEPLOY, applyOpts('kubectl')),
    );
    assert.equal(
      err2.message,
      'Apply failed with 3 conflicts: conflicts with "kube-controller" with subresource "scale" using apps/v1:\n- .spec.replicas\n' +
        'conflicts with "kubectl-client-side-apply" using apps/v1:\n- .metadata.labels.app\n- .spec.revisionHistoryLimit',
    );
    assert.deepEqual(
      err2.details?.causes?.map((c) => c.field),
      ['.spec.replicas', '.metadata.labels.app', '.spec.revisionHistoryLimit'],
    );
  });

  it('force takes ownership away from the other managers', () => {
    const v1 = stored(serverSideApply(undefined, deploy({ replicas: 2, revisionHistoryLimit: 5 }), DEPLOY, applyOpts('alice')));
    const forced = serverSideApply(v1, deploy({ replicas: 3 }), DEPLOY, applyOpts('bob', { force: true }));
    assert.equal((forced['spec'] as { replicas: number }).replicas, 3);
    const alice = entry(forced, 'alice')!.fieldsV1 as { 'f:spec': Record<string, unknown> };
    assert.equal(alice['f:spec']['f:replicas'], undefined);
    assert.deepEqual(alice['f:spec']['f:revisionHistoryLimit'], {});
    assert.deepEqual((entry(forced, 'bob')!.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], {});
  });

  it('the docs "transferring ownership" flow: a second applier takes a field over with the same value', () => {
    const v1 = stored(serverSideApply(undefined, deploy({ replicas: 3 }), DEPLOY, applyOpts('kubectl')));
    const v2 = stored(serverSideApply(v1, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3 } }, DEPLOY, applyOpts('handover-to-hpa')));
    const v3 = serverSideApply(v2, deploy({}), DEPLOY, applyOpts('kubectl'));
    assert.equal((v3['spec'] as { replicas: number }).replicas, 3, 'still owned by handover-to-hpa, so kept');
    const k = entry(v3, 'kubectl')!.fieldsV1 as { 'f:spec': Record<string, unknown> };
    assert.equal(k['f:spec']['f:replicas'], undefined);
    assert.deepEqual(entry(v3, 'handover-to-hpa')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  });

  it('set lists (finalizers) are merged by value; map lists by key', () => {
    const base = (finalizers: string[]): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'f', finalizers } });
    const v1 = stored(serverSideApply(undefined, base(['a.io/x']), CM, cmOpts('one')));
    const v2 = stored(serverSideApply(v1, base(['b.io/y']), CM, cmOpts('two')));
    assert.deepEqual(v2.metadata?.finalizers, ['a.io/x', 'b.io/y']);
    assert.deepEqual(entry(v2, 'two')?.fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"b.io/y"': {} } } });
    const v3 = serverSideApply(v2, base([]), CM, cmOpts('one'));
    assert.deepEqual(v3.metadata?.finalizers, ['b.io/y']);

    // Service ports: keys port+protocol, protocol defaulting to TCP in the key
    const SVC = builtinTypeResolver('io.k8s.api.core.v1.Service');
    const svc = serverSideApply(undefined, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, name: 'http' }] } }, SVC, cmOpts('kubectl'));
    assert.deepEqual(entry(svc, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } } } });
  });

  it('atomic maps and lists are owned and replaced whole', () => {
    const v1 = stored(serverSideApply(undefined, deploy({ selector: { matchLabels: { app: 'web', x: 'y' } } }), DEPLOY, applyOpts('kubectl')));
    assert.deepEqual((entry(v1, 'kubectl')!.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:selector'], {});
    const v2 = serverSideApply(v1, deploy({ selector: { matchLabels: { app: 'web' } } }), DEPLOY, applyOpts('kubectl'));
    assert.deepEqual((v2['spec'] as { selector: unknown }).selector, { matchLabels: { app: 'web' } });
    // another manager's different selector conflicts on the whole map
    const err = statusOf(() => serverSideApply(stored(v2), deploy({ selector: { matchLabels: { app: 'web', z: '1' } } }), DEPLOY, applyOpts('other')));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.selector');
    // container args: atomic list
    const p1 = serverSideApply(undefined, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', args: ['a', 'b'] }] } }, POD, cmOpts('kubectl', { resetFields: [['status']] }));
    assert.deepEqual(entry(p1, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:args': {}, 'f:image': {}, 'f:name': {} } } } });
  });

  it('status subresource: status managers own only status, the main resource ignores status', () => {
    const withStatus = { ...deploy({ replicas: 1 }), status: { replicas: 7 } };
    const main = stored(serverSideApply(undefined, withStatus, DEPLOY, applyOpts('kubectl', { resetFields: defaultResetFields(undefined, true) })));
    assert.deepEqual(Object.keys(entry(main, 'kubectl')!.fieldsV1 as object), ['f:spec']);

    const next = structuredClone(main);
    next['status'] = { replicas: 1, readyReplicas: 1 };
    const st = recordUpdate(main, next, DEPLOY, { manager: 'kube-controller-manager', apiVersion: 'apps/v1', subresource: 'status', now: T2, resetFields: [['spec'], ['metadata', 'labels']] });
    const e = entry(st, 'kube-controller-manager', 'Update')!;
    assert.equal(e.subresource, 'status');
    assert.deepEqual(e.fieldsV1, { 'f:status': { 'f:readyReplicas': {}, 'f:replicas': {} } });
    assert.deepEqual(Object.keys(e), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource']);

    // applying to /status
    const sa = serverSideApply(stored(st), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, status: { replicas: 2 } }, DEPLOY, applyOpts('ctrl', { subresource: 'status', force: true, resetFields: [['spec'], ['metadata', 'labels']] }));
    const ae = entry(sa, 'ctrl')!;
    assert.equal(ae.subresource, 'status');
    assert.deepEqual(ae.fieldsV1, { 'f:status': { 'f:replicas': {} } });
  });

  it('rejects bodies kube rejects', () => {
    const wrongKind = statusOf(() => serverSideApply(undefined, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }, CM, cmOpts('kubectl')));
    assert.equal(wrongKind.code, 400);
    assert.equal(wrongKind.message, 'invalid object type: /v1, Kind=Secret');
    const noKind = statusOf(() => serverSideApply(undefined, { apiVersion: 'apps/v1', metadata: { name: 'x' } }, DEPLOY, applyOpts('kubectl')));
    assert.equal(noKind.message, 'invalid object type: apps/v1, Kind=');
    const wrongVersion = statusOf(() => serverSideApply(undefined, { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'x' } }, DEPLOY, applyOpts('kubectl')));
    assert.equal(wrongVersion.message, 'invalid object type: apps/v1beta1, Kind=Deployment');
    const mf = statusOf(() => serverSideApply(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields: [] } }, CM, cmOpts('kubectl')));
    assert.equal(mf.code, 400);
    assert.equal(mf.message, 'metadata.managedFields must be nil');
    const unknown = statusOf(() => serverSideApply(undefined, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'admin-api', namespace: 'general' }, spec: { topologyKeys: ['x'] } }, builtinTypeResolver('io.k8s.api.core.v1.Service'), cmOpts('kubectl')));
    assert.equal(unknown.code, 500);
    assert.equal(unknown.message, 'failed to create typed patch object (general/admin-api; /v1, Kind=Service): .spec.topologyKeys: field not declared in schema');
    const badType = statusOf(() => serverSideApply(undefined, deploy({ replicas: 'two' }), DEPLOY, applyOpts('kubectl')));
    assert.equal(badType.message, 'failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string');
    const dup = statusOf(() => serverSideApply(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', finalizers: ['a', 'a'] } }, CM, cmOpts('kubectl')));
    assert.equal(dup.message, 'failed to create typed patch object (/x; /v1, Kind=ConfigMap): .metadata.finalizers: duplicate entries for key [="a"]');
  });

  it('an object without managedFields: the applier conflicts with "before-first-apply"', () => {
    const live = stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default' }, data: { a: '1' } });
    const err = statusOf(() => serverSideApply(live, cmApply({ a: '2' }), CM, cmOpts('kubectl')));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
    const ok = serverSideApply(live, cmApply({ a: '1', b: '2' }), CM, cmOpts('kubectl'));
    assert.deepEqual(entries(ok).map((e) => [e.manager, e.operation, e.fieldsV1]), [
      ['kubectl', 'Apply', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
      ['before-first-apply', 'Update', { 'f:data': { '.': {}, 'f:a': {} } }],
    ]);
  });

  it('kubectl migrating from client-side apply: conflicts on values it set itself are forced, the annotation follows', () => {
    const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { annotations: {}, name: 'applied', namespace: 'default' }, data: { a: '1', b: '2' } });
    const csa = stored(
      recordUpdate(
        undefined,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } }, data: { a: '1', b: '2' } },
        CM,
        { manager: 'kubectl-client-side-apply', apiVersion: 'v1', now: T0 },
      ),
    );
    const out = serverSideApply(csa, cmApply({ a: '1', b: '3' }), CM, cmOpts('kubectl'));
    assert.deepEqual(out['data'], { a: '1', b: '3' });
    assert.equal(
      out.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'],
      '{"apiVersion":"v1","data":{"a":"1","b":"3"},"kind":"ConfigMap","metadata":{"name":"applied","namespace":"default"}}\n',
    );
    // another manager gets no such pass
    const err = statusOf(() => serverSideApply(csa, cmApply({ a: '1', b: '3' }), CM, cmOpts('someone')));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.b');
  });

  it('custom resources through a structural schema', () => {
    const cr = structuralTypeResolver(
      {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              size: { type: 'integer' },
              tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
              extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
      'Widget',
    );
    const out = serverSideApply(undefined, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1, tags: ['a'], extra: { any: { thing: 1 } } } }, cr, {
      manager: 'm',
      force: false,
      apiVersion: 'example.com/v1',
      now: T1,
    });
    assert.deepEqual(entry(out, 'm')?.fieldsV1, { 'f:spec': { 'f:extra': { 'f:any': { '.': {}, 'f:thing': {} } }, 'f:size': {}, 'f:tags': { 'v:"a"': {} } } });
  });
});

describe('field managers', () => {
  it('derives the manager from the User-Agent as kube does', () => {
    assert.equal(managerFromUserAgent('kubectl/v1.32.4 (linux/amd64) kubernetes/abc'), 'kubectl');
    assert.equal(managerFromUserAgent('kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/70d3cc9/system:serviceaccount:kube-system:deployment-controller'), 'kube-controller-manager');
    assert.equal(managerFromUserAgent('kubernetes-client-javascript/2.0.1'), 'kubernetes-client-javascript');
    assert.equal(managerFromUserAgent('Go-http-client/2.0'), 'Go-http-client');
    assert.equal(managerFromUserAgent('ab\u0007c'), 'abc');
    assert.equal(managerFromUserAgent('x'.repeat(200)), 'x'.repeat(128));
    assert.equal(managerFromUserAgent(undefined), '');
    // an empty manager is recorded as "unknown"
    const out = recordUpdate(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, CM, { manager: '', apiVersion: 'v1', now: T0 });
    assert.equal(entries(out)[0]!.manager, 'unknown');
    assert.deepEqual(fieldManagerProblems('ok'), []);
    assert.deepEqual(fieldManagerProblems('a\u0007'), [{ type: 'Invalid', detail: 'invalid character U+0007 (at position 1)' }]);
  });
});

/** A Deployment apply configuration named "web" with the given spec fields. */
function deploy(spec: Record<string, unknown>, name = 'web'): KObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec };
}
