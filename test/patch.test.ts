import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyJsonPatch,
  applyJsonPatchOperations,
  applyMergePatch,
  applyStrategicMergePatch,
  JsonPatchError,
  findDataDir,
  schemaFor,
  definitionForGVK,
  goJsonSyntaxError,
} from '../src/registry/patch/index.js';
import { StatusError } from '../src/api/errors.js';
import type { KObject } from '../src/api/types.js';

const DEPLOY = 'io.k8s.api.apps.v1.Deployment';
const SVC = 'io.k8s.api.core.v1.Service';
const POD = 'io.k8s.api.core.v1.Pod';
const CM = 'io.k8s.api.core.v1.ConfigMap';

function status(fn: () => unknown): ReturnType<StatusError['toStatus']> {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected StatusError, got ${String(e)}`);
    return e.toStatus();
  }
  assert.fail('expected an error');
}

function jpErr(doc: unknown, ops: Record<string, unknown>[]): string {
  try {
    applyJsonPatchOperations(doc, ops);
  } catch (e) {
    assert.ok(e instanceof JsonPatchError);
    return e.message;
  }
  assert.fail('expected a json patch error');
}

function deployment(): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.0',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
            { name: 'sidecar', image: 'busybox' },
          ],
          volumes: [
            { name: 'cfg', configMap: { name: 'cfg' } },
            { name: 'data', emptyDir: {} },
          ],
        },
      },
    },
  };
}

// ---------------------------------------------------------------- schema

test('findDataDir locates data/ from the sources', () => {
  const d = findDataDir();
  assert.ok(existsSync(join(d, 'catalog.json')));
  assert.ok(existsSync(join(d, 'openapi', 'v2', 'swagger.json')));
});

test('schema navigator resolves refs and extensions', () => {
  const d = schemaFor(DEPLOY)!;
  assert.equal(d.kind, 'struct');
  const containers = d.at(['spec', 'template', 'spec', 'containers'])!;
  assert.equal(containers.kind, 'array');
  assert.equal(containers.patchMergeKey, 'name');
  assert.deepEqual(containers.patchStrategies, ['merge']);
  assert.equal(containers.listType, 'map');
  assert.deepEqual(containers.listMapKeys, ['name']);
  assert.equal(containers.items()!.definitionName, 'io.k8s.api.core.v1.Container');
  assert.deepEqual(d.at(['spec', 'template', 'spec', 'volumes'])!.patchStrategies, ['merge', 'retainKeys']);
  assert.equal(d.at(['spec', 'strategy'])!.patchStrategy, 'retainKeys');
  assert.equal(d.at(['spec', 'selector'])!.mapType, 'atomic');
  const labels = d.at(['metadata', 'labels'])!;
  assert.equal(labels.kind, 'map');
  assert.equal(labels.additionalProperties()!.type, 'string');
  assert.equal(d.at(['spec', 'template', 'spec', 'containers', '[]', 'ports', 0, 'containerPort'])!.type, 'integer');
  assert.equal(definitionForGVK('apps', 'v1', 'Deployment'), DEPLOY);
  assert.equal(definitionForGVK('', 'v1', 'Pod'), POD);
  assert.equal(schemaFor('no.such.Thing'), undefined);
});

// ---------------------------------------------------------------- JSON patch

test('json patch: add / remove / replace / move / copy / test', () => {
  const doc = deployment();
  const before = JSON.stringify(doc);
  const out = applyJsonPatch(doc, [
    { op: 'add', path: '/metadata/labels/tier', value: 'front' },
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'C', value: '3' } },
    { op: 'add', path: '/spec/template/spec/containers/0/env/0', value: { name: 'Z' } },
    { op: 'remove', path: '/spec/template/spec/containers/1' },
    { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/layer' },
    { op: 'copy', from: '/metadata/labels', path: '/spec/template/metadata/labels' },
    { op: 'test', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/metadata/annotations', value: { 'a~b/c': 'x' } },
    { op: 'remove', path: '/metadata/annotations/a~0b~1c' },
  ]);
  assert.equal(JSON.stringify(doc), before, 'input not mutated');
  const spec = out.spec as any;
  assert.equal(spec.replicas, 3);
  assert.deepEqual((out.metadata as any).labels, { app: 'web', layer: 'front' });
  assert.deepEqual(spec.template.metadata.labels, { app: 'web', layer: 'front' });
  assert.deepEqual(spec.template.spec.containers[0].env.map((e: any) => e.name), ['Z', 'A', 'B', 'C']);
  assert.equal(spec.template.spec.containers.length, 1);
  assert.deepEqual((out.metadata as any).annotations, {});
});

test('json patch: library quirks and messages (evanphx/json-patch v4)', () => {
  const doc = { a: { b: [1, 2, 3] }, n: null };
  assert.equal(jpErr(doc, [{ op: 'add', path: '/x/y', value: 1 }]), 'add operation does not apply: doc is missing path: "/x/y": missing value');
  assert.equal(jpErr(doc, [{ op: 'add', path: '/a/b/9', value: 1 }]), "error in add for path: '/a/b/9': Unable to access invalid index: 9: invalid index referenced");
  assert.equal(
    jpErr(doc, [{ op: 'add', path: '/a/b/x', value: 1 }]),
    `error in add for path: '/a/b/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
  );
  assert.equal(jpErr(doc, [{ op: 'remove', path: '/a/c' }]), "error in remove for path: '/a/c': Unable to remove nonexistent key: c: missing value");
  assert.equal(jpErr(doc, [{ op: 'remove', path: '/a/b/3' }]), "error in remove for path: '/a/b/3': Unable to access invalid index: 3: invalid index referenced");
  assert.equal(jpErr(doc, [{ op: 'replace', path: '/a/b/5', value: 1 }]), 'replace operation does not apply: doc is missing key: /a/b/5: missing value');
  assert.equal(jpErr(doc, [{ op: 'test', path: '/a/b/0', value: 2 }]), 'testing value /a/b/0 failed: test failed');
  assert.equal(jpErr(doc, [{ op: 'move', from: '/a/zz', path: '/q' }]), "error in move for path: 'zz': Unable to remove nonexistent key: zz: missing value");
  assert.equal(jpErr(doc, [{ op: 'frob', path: '/a' }]), 'Unexpected kind: frob');
  assert.equal(jpErr(doc, [{ path: '/a' }]), 'Unexpected kind: unknown');
  assert.equal(jpErr(doc, [{ op: 'add', value: 1 }]), 'add operation failed to decode path: missing value');
  assert.equal(jpErr(doc, [{ op: 'replace', value: 1 }]), 'replace operation failed to decode path: operation missing path field: missing value');
  assert.equal(jpErr(doc, [{ op: 'copy', path: '/x' }]), 'copy operation failed to decode from: operation, missing from field: missing value');
  // replace of a missing object member adds it; negative indexes are supported; "-" appends
  assert.deepEqual(applyJsonPatchOperations(doc, [{ op: 'replace', path: '/a/c', value: 1 }]), { a: { b: [1, 2, 3], c: 1 }, n: null });
  assert.deepEqual(applyJsonPatchOperations(doc, [{ op: 'add', path: '/a/b/-1', value: 9 }]), { a: { b: [1, 2, 3, 9] }, n: null });
  assert.deepEqual(applyJsonPatchOperations(doc, [{ op: 'remove', path: '/a/b/-1' }]), { a: { b: [1, 2] }, n: null });
  // a missing or null member tests equal to null; copying a missing member copies null
  assert.deepEqual(applyJsonPatchOperations(doc, [{ op: 'test', path: '/n', value: null }, { op: 'test', path: '/zz', value: null }]), doc);
  assert.deepEqual(applyJsonPatchOperations({ a: {} }, [{ op: 'copy', from: '/a/none', path: '/b' }]), { a: {}, b: null });
});

test('json patch: kube status for failures and bad bodies', () => {
  const s = status(() => applyJsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 7 }]));
  assert.deepEqual(s, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
  const bad = status(() => applyJsonPatch(deployment(), '[{"op":"add",'));
  assert.equal(bad.code, 400);
  assert.equal(bad.reason, 'BadRequest');
  assert.equal(bad.message, 'error decoding patch: unexpected end of JSON input');
  assert.equal(status(() => applyJsonPatch(deployment(), '{"op":"add"}')).message, 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
  assert.equal(status(() => applyJsonPatch(deployment(), '[{"op":1}]')).message, 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string');
  assert.equal(status(() => applyJsonPatch(deployment(), 'x', { fieldValidation: 'Ignore' })).message, "invalid character 'x' looking for beginning of value");
  const many = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
  const big = status(() => applyJsonPatch(deployment(), many));
  assert.equal(big.code, 413);
  assert.equal(big.reason, 'RequestEntityTooLarge');
  assert.equal(big.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
});

test('go json syntax messages', () => {
  const m = (s: string) => goJsonSyntaxError(new TextEncoder().encode(s));
  assert.equal(m('{"a":1}'), undefined);
  assert.equal(m('{"a" 1}'), "invalid character '1' after object key");
  assert.equal(m('{"a":1 "b"'), `invalid character '"' after object key:value pair`);
  assert.equal(m('[1,]'), "invalid character ']' looking for beginning of value");
  assert.equal(m('{a:1}'), "invalid character 'a' looking for beginning of object key string");
  assert.equal(m('{"a":tru}'), "invalid character '}' in literal true (expecting 'e')");
  assert.equal(m('{} x'), "invalid character 'x' after top-level value");
  assert.equal(m(''), 'unexpected end of JSON input');
  assert.equal(m('[01]'), "invalid character '1' after array element");
});

// ---------------------------------------------------------------- merge patch

test('merge patch: null deletes, objects merge, lists replace', () => {
  const doc = deployment();
  const before = JSON.stringify(doc);
  const out = applyMergePatch(doc, {
    metadata: { labels: { app: null, tier: 'x' }, finalizers: ['c'] },
    spec: { replicas: 2, strategy: { rollingUpdate: null }, template: { spec: { containers: [{ name: 'only', image: 'x', args: null }] } } },
    newField: { a: null, b: 1 },
  });
  assert.equal(JSON.stringify(doc), before);
  assert.deepEqual((out.metadata as any).labels, { tier: 'x' });
  assert.deepEqual((out.metadata as any).finalizers, ['c']);
  assert.deepEqual((out.spec as any).strategy, { type: 'RollingUpdate' });
  // the replaced list is null-pruned inside its objects
  assert.deepEqual((out.spec as any).template.spec.containers, [{ name: 'only', image: 'x' }]);
  assert.deepEqual(out.newField, { b: 1 });
  assert.equal(status(() => applyMergePatch(deployment(), 'null')).message, 'Invalid JSON Patch');
  assert.equal(status(() => applyMergePatch(deployment(), '{')).message, 'error decoding patch: unexpected end of JSON input');
  assert.equal(status(() => applyMergePatch(deployment(), '{', { fieldValidation: 'Ignore' })).message, 'Invalid JSON Patch');
  assert.equal(status(() => applyMergePatch(deployment(), '[1]')).message, 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
});

// ---------------------------------------------------------------- strategic merge patch

const containers = (o: KObject) => (o.spec as any).template.spec.containers as any[];

test('smp: containers merged by name, maps merged, scalars replaced', () => {
  const doc = deployment();
  const before = JSON.stringify(doc);
  const out = applyStrategicMergePatch(
    doc,
    { spec: { replicas: 5, template: { spec: { containers: [{ name: 'web', image: 'nginx:2.0' }, { name: 'new', image: 'redis' }] } } }, metadata: { labels: { tier: 'a' } } },
    DEPLOY,
  );
  assert.equal(JSON.stringify(doc), before, 'input not mutated');
  assert.deepEqual(containers(out).map((c) => [c.name, c.image]), [
    ['web', 'nginx:2.0'],
    ['new', 'redis'],
    ['sidecar', 'busybox'],
  ]);
  assert.deepEqual(containers(out)[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  assert.deepEqual((out.metadata as any).labels, { app: 'web', tier: 'a' });
  assert.equal((out.spec as any).replicas, 5);
});

test('smp: $patch delete removes an env var; null deletes a field', () => {
  const out = applyStrategicMergePatch(
    deployment(),
    { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'A', $patch: 'delete' }], ports: null }] } } } },
    DEPLOY,
  );
  assert.deepEqual(containers(out)[0].env, [{ name: 'B', value: '2' }]);
  assert.equal('ports' in containers(out)[0], false);
});

test('smp: ports merged by containerPort', () => {
  const out = applyStrategicMergePatch(
    deployment(),
    { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 443 }, { containerPort: 80, name: 'http' }] }] } } } },
    DEPLOY,
  );
  assert.deepEqual(containers(out)[0].ports, [{ containerPort: 443 }, { containerPort: 80, protocol: 'TCP', name: 'http' }]);
});

test('smp: primitive list with merge strategy is unioned; $deleteFromPrimitiveList', () => {
  const out = applyStrategicMergePatch(deployment(), { metadata: { finalizers: ['c', 'a'] } }, DEPLOY);
  assert.deepEqual(out.metadata!.finalizers, ['c', 'a', 'b']);
  const del = applyStrategicMergePatch(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, DEPLOY);
  assert.deepEqual(del.metadata!.finalizers, ['b']);
  // a list without merge strategy (container args) is replaced
  const args = applyStrategicMergePatch(
    { ...deployment(), spec: { template: { spec: { containers: [{ name: 'web', args: ['a', 'b'] }] } } } },
    { spec: { template: { spec: { containers: [{ name: 'web', args: ['c'] }] } } } },
    DEPLOY,
  );
  assert.deepEqual(containers(args)[0].args, ['c']);
});

test('smp: $setElementOrder orders the merged list', () => {
  const out = applyStrategicMergePatch(
    deployment(),
    {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }],
            containers: [{ name: 'web', image: 'nginx:3' }],
          },
        },
      },
    },
    DEPLOY,
  );
  assert.deepEqual(containers(out).map((c) => c.name), ['sidecar', 'web']);
  assert.equal(containers(out)[1].image, 'nginx:3');
  // primitive list ordering with setElementOrder + deletion
  const fin = applyStrategicMergePatch(
    deployment(),
    { metadata: { '$setElementOrder/finalizers': ['b', 'z'], finalizers: ['z'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
    DEPLOY,
  );
  assert.deepEqual(fin.metadata!.finalizers, ['b', 'z']);
});

test('smp: server-only items keep their place (kube slice aliasing semantics)', () => {
  const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'x' }] } };
  const out = applyStrategicMergePatch(
    pod,
    { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'n' }], containers: [{ name: 'n' }, { name: 'a', $patch: 'delete' }] } },
    POD,
  );
  assert.deepEqual((out.spec as any).containers.map((c: any) => c.name), ['b', 'x', 'n']);
});

test('smp: $retainKeys (strategy RollingUpdate -> Recreate) and volumes', () => {
  const out = applyStrategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } }, DEPLOY);
  assert.deepEqual((out.spec as any).strategy, { type: 'Recreate' });
  const vol = applyStrategicMergePatch(
    deployment(),
    { spec: { template: { spec: { volumes: [{ name: 'cfg', $retainKeys: ['name', 'secret'], secret: { secretName: 's' } }, { name: 'data', $patch: 'delete' }] } } } },
    DEPLOY,
  );
  assert.deepEqual((vol.spec as any).template.spec.volumes, [{ name: 'cfg', secret: { secretName: 's' } }]);
  const bad = status(() => applyStrategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, DEPLOY));
  assert.equal(bad.code, 400);
  assert.equal(bad.message, 'invalid patch format of retainKeys');
});

test('smp: $patch replace and delete on maps and lists', () => {
  const out = applyStrategicMergePatch(deployment(), { metadata: { labels: { $patch: 'replace', only: 'x' } } }, DEPLOY);
  assert.deepEqual(out.metadata!.labels, { only: 'x' });
  const del = applyStrategicMergePatch(deployment(), { spec: { strategy: { $patch: 'delete' } } }, DEPLOY);
  assert.deepEqual((del.spec as any).strategy, {});
  const rep = applyStrategicMergePatch(
    deployment(),
    { spec: { template: { spec: { containers: [{ name: 'solo', image: 'x' }, { $patch: 'replace' }] } } } },
    DEPLOY,
  );
  assert.deepEqual(containers(rep), [{ name: 'solo', image: 'x' }]);
});

test('smp: errors as kube reports them', () => {
  const unknown = status(() => applyStrategicMergePatch(deployment(), { metadata: { labels: { $patch: 'frob' } } }, DEPLOY));
  assert.equal(unknown.code, 500);
  assert.equal(unknown.reason, undefined);
  assert.equal(unknown.message, 'unknown patch type: frob in map: map[$patch:frob]');
  const mergeList = status(() => applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } }, DEPLOY));
  assert.equal(mergeList.message, 'merging lists cannot yet be specified in the patch');
  const noKey = status(() => applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, DEPLOY));
  assert.equal(noKey.message, 'map: map[image:x] does not contain declared merge key: name');
  const order = status(() =>
    applyStrategicMergePatch(deployment(), { metadata: { '$setElementOrder/finalizers': 'x' } } as any, DEPLOY),
  );
  assert.equal(order.message, 'expected a []interface {}, but received a string');
  const badBody = status(() => applyStrategicMergePatch(deployment(), '{"spec":', DEPLOY));
  assert.equal(badBody.code, 400);
  assert.equal(badBody.message, 'unexpected end of JSON input');
  assert.equal(status(() => applyStrategicMergePatch(deployment(), '[]', DEPLOY)).message, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  const badPrefix = status(() => applyStrategicMergePatch(deployment(), { metadata: { '$setElementOrderfinalizers': [] } } as any, DEPLOY));
  assert.equal(badPrefix.message, 'invalid patch format of setElementOrder list');
  const lol = status(() =>
    applyStrategicMergePatch({ ...deployment(), metadata: { finalizers: [['a']] } } as any, { metadata: { finalizers: [['b']] } }, DEPLOY),
  );
  assert.equal(lol.code, 422);
  assert.equal(lol.message, 'the server rejected our request due to an error in our request');
});

// ---------------------------------------------------------------- kubectl edit fixtures

const FIXTURES = '/work/shared/kubernetes/fixtures/kubectl/pkg/cmd/edit/testdata';
function fixture(tc: string, file: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, tc, file), 'utf8'));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
function comparable(o: any): unknown {
  const c = JSON.parse(JSON.stringify(o));
  delete c.metadata.resourceVersion;
  return sortKeys(c);
}

const fixtureCases: [string, string, string, string, 'smp' | 'merge'][] = [
  ['testcase-single-service', '0.response', '2.request', '2.response', 'smp'],
  ['testcase-update-annotation', '0.response', '2.request', '2.response', 'smp'],
  ['testcase-edit-output-patch', '0.response', '2.request', '2.response', 'smp'],
  ['testcase-apply-edit-last-applied', '0.response', '2.request', '2.response', 'merge'],
];
for (const [tc, orig, req, resp, kind] of fixtureCases) {
  test(`kubectl fixture ${tc}`, { skip: !existsSync(join(FIXTURES, tc)) }, () => {
    const o = fixture(tc, orig);
    const body = readFileSync(join(FIXTURES, tc, req), 'utf8');
    const out = kind === 'smp' ? applyStrategicMergePatch(o, body, SVC) : applyMergePatch(o, body);
    assert.deepEqual(comparable(out), comparable(fixture(tc, resp)));
  });
}

test('kubectl fixture testcase-list (configmap then service)', { skip: !existsSync(join(FIXTURES, 'testcase-list')) }, () => {
  const cm = applyStrategicMergePatch(fixture('testcase-list', '0.response'), readFileSync(join(FIXTURES, 'testcase-list', '3.request'), 'utf8'), CM);
  assert.deepEqual(comparable(cm), comparable(fixture('testcase-list', '3.response')));
  const svc = applyStrategicMergePatch(fixture('testcase-list', '1.response'), readFileSync(join(FIXTURES, 'testcase-list', '4.request'), 'utf8'), SVC);
  assert.deepEqual(comparable(svc), comparable(fixture('testcase-list', '4.response')));
});
