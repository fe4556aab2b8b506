// CustomResourceDefinitions as operators ship them, driven with real kubectl and client-node:
// serving within a second, validation, defaulting, pruning, CEL, status and scale subresources,
// printer columns, selectable fields, several versions with a conversion webhook, deletion.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { startServer, type RunningServer } from '../src/index.js';
import { ensureTlsMaterial } from '../src/server/certs.js';
import { kubectl, type Kubectl } from './helpers/kubectl.js';
import { rawClient, type RawClient } from './helpers/http.js';

let server: RunningServer;
let k: Kubectl;
let http: RawClient;
let webhook: Server;
let webhookURL = '';
let caBundle = '';
const conversions: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'crd-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

// v1 has spec.size (string); v2 renames it to spec.dimensions.size and adds spec.dimensions.unit.
function convert(obj: Record<string, unknown>, to: string): Record<string, unknown> {
  const spec = { ...((obj.spec as Record<string, unknown>) ?? {}) };
  if (to === 'stable.example.com/v2' && 'size' in spec) {
    spec.dimensions = { size: spec.size, unit: 'cm' };
    delete spec.size;
  } else if (to === 'stable.example.com/v1' && spec.dimensions) {
    spec.size = (spec.dimensions as { size: string }).size;
    delete spec.dimensions;
  }
  return { ...obj, apiVersion: to, spec };
}

const CRD = (webhookUrl: string, ca: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: gizmos
    singular: gizmo
    kind: Gizmo
    shortNames: [gz]
    categories: [all]
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig:
        url: ${webhookUrl}
        caBundle: ${ca}
  versions:
  - name: v1
    served: true
    storage: true
    deprecated: true
    deprecationWarning: "stable.example.com/v1 Gizmo is deprecated; use stable.example.com/v2"
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - {name: Size, type: string, jsonPath: .spec.size}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Phase, type: string, jsonPath: .status.phase}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
    selectableFields:
    - jsonPath: .spec.color
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            x-kubernetes-validations:
            - rule: "self.replicas <= self.maxReplicas"
              message: "replicas must not exceed maxReplicas"
            - rule: "!has(oldSelf.size) || self.size == oldSelf.size || (has(self.allowResize) && self.allowResize)"
              message: "size is immutable unless allowResize is set"
              reason: FieldValueForbidden
            properties:
              size: {type: string, pattern: "^[0-9]+(cm|m)$"}
              replicas: {type: integer, default: 1, minimum: 0}
              maxReplicas: {type: integer, default: 5, maximum: 100}
              color: {type: string, enum: [red, blue], default: red}
              allowResize: {type: boolean}
              port: {x-kubernetes-int-or-string: true}
              template:
                type: object
                x-kubernetes-embedded-resource: true
                x-kubernetes-preserve-unknown-fields: true
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    port: {type: integer}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
              phase: {type: string}
  - name: v2
    served: true
    storage: false
    subresources:
      status: {}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              dimensions:
                type: object
                properties:
                  size: {type: string}
                  unit: {type: string}
              replicas: {type: integer, default: 1}
              maxReplicas: {type: integer, default: 5}
              color: {type: string, default: red}
              allowResize: {type: boolean}
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
`;

before(async () => {
  const tls = await ensureTlsMaterial({ dir: join(dir, 'webhook'), hosts: ['127.0.0.1'] });
  caBundle = Buffer.from(tls.caCertPem).toString('base64');
  webhook = createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, (req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const review = JSON.parse(body) as { request: { uid: string; desiredAPIVersion: string; objects: Record<string, unknown>[] } };
      conversions.push(`${review.request.objects.map((o) => o.apiVersion).join(',')}->${review.request.desiredAPIVersion}`);
      const convertedObjects = review.request.objects.map((o) => convert(o, review.request.desiredAPIVersion));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: review.request.uid, convertedObjects, result: { status: 'Success' } } }));
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
  webhookURL = `https://127.0.0.1:${(webhook.address() as AddressInfo).port}/convert`;
  server = await startServer();
  k = kubectl(server.kubeconfigPath);
  http = rawClient(server);
});
after(async () => {
  await server.stop();
  if (webhook.listening) webhook.close();
});

describe('CustomResourceDefinitions', () => {
  it('a new CRD is Established and served within a second, in discovery and OpenAPI', async () => {
    const t0 = Date.now();
    await k.ok(['apply', '-f', file('crd.yaml', CRD(webhookURL, caBundle))]);
    await k.ok(['wait', '--for=condition=Established', 'crd/gizmos.stable.example.com', '--timeout=10s']);
    const res = await k.ok(['api-resources', '--api-group=stable.example.com']);
    assert.match(res, /^gizmos\s+gz\s+stable\.example\.com\/v2\s+true\s+Gizmo$/m);
    assert.ok(Date.now() - t0 < 5000);
    const crd = JSON.parse(await k.ok(['get', 'crd', 'gizmos.stable.example.com', '-o', 'json'])) as { status: { conditions: { type: string; status: string; reason: string }[]; acceptedNames: { kind: string; listKind: string }; storedVersions: string[] }; metadata: { finalizers: string[] } };
    assert.deepEqual(crd.status.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`), ['NamesAccepted=True/NoConflicts', 'Established=True/InitialNamesAccepted']);
    assert.equal(crd.status.acceptedNames.listKind, 'GizmoList');
    assert.deepEqual(crd.status.storedVersions, ['v1']);
    assert.deepEqual(crd.metadata.finalizers, ['customresourcecleanup.apiextensions.k8s.io']);
    const idx = (await http('GET', '/openapi/v3')).json<{ paths: Record<string, unknown> }>();
    assert.ok('apis/stable.example.com/v1' in idx.paths);
    assert.match(await k.ok(['explain', 'gizmos.spec.color', '--api-version=stable.example.com/v1']), /ENUM:\s+red\s+blue/);
  });

  it('instances are defaulted, pruned and validated with kube\'s messages', async () => {
    const r = await k(['create', '-f', file('g1.yaml', 'apiVersion: stable.example.com/v1\nkind: Gizmo\nmetadata:\n  name: g1\nspec:\n  size: 10cm\n  bogus: 1\n')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "spec.bogus"/);
    const ok = await k(['create', '--validate=false', '-f', join(dir, 'g1.yaml')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /Warning: stable.example.com\/v1 Gizmo is deprecated; use stable.example.com\/v2/);
    const g = JSON.parse(await k.ok(['get', 'gizmos.v1.stable.example.com', 'g1', '-o', 'json'])) as { spec: Record<string, unknown> };
    assert.deepEqual(g.spec, { size: '10cm', replicas: 1, maxReplicas: 5, color: 'red' });
    const cases: [string, RegExp][] = [
      ['spec:\n  replicas: 2\n', /spec.size: Required value/],
      ['spec:\n  size: huge\n', /spec.size: Invalid value: "huge": spec.size in body should match '\^\[0-9\]\+\(cm\|m\)\$'/],
      ['spec:\n  size: 1m\n  color: green\n', /spec.color: Unsupported value: "green": supported values: "red", "blue"/],
      ['spec:\n  size: 1m\n  maxReplicas: 101\n', /spec.maxReplicas: Invalid value: 101: spec.maxReplicas in body should be less than or equal to 100/],
      ['spec:\n  size: 1m\n  replicas: 9\n', /spec: Invalid value: "object": replicas must not exceed maxReplicas/],
      ['spec:\n  size: 1m\n  replicas: "three"\n', /spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"/],
      ['spec:\n  size: 1m\n  ports:\n  - name: a\n  - name: a\n', /spec.ports\[1\]: Duplicate value: map\[string\]interface \{\}\{"name":"a"\}/],
    ];
    for (const [i, [spec, want]] of cases.entries()) {
      const res = await k(['create', '--validate=false', '-f', file(`bad${i}.yaml`, `apiVersion: stable.example.com/v1\nkind: Gizmo\nmetadata:\n  name: bad${i}\n${spec}`)]);
      assert.notEqual(res.code, 0, spec);
      assert.match(res.stderr, want, res.stderr);
    }
  });

  it('transition rules see oldSelf', async () => {
    const r = await k(['patch', 'gizmos.v1.stable.example.com', 'g1', '--type=merge', '-p', '{"spec":{"size":"20cm"}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec: Forbidden: size is immutable unless allowResize is set/);
    await k.ok(['patch', 'gizmos.v1.stable.example.com', 'g1', '--type=merge', '-p', '{"spec":{"size":"20cm","allowResize":true}}']);
  });

  it('status and scale subresources; generation moves with spec only', async () => {
    const gen = () => k.ok(['get', 'gizmos.v1.stable.example.com', 'g1', '-o', 'jsonpath={.metadata.generation}']);
    const g0 = Number(await gen());
    await k.ok(['patch', 'gizmos.v1.stable.example.com', 'g1', '--type=merge', '-p', '{"status":{"phase":"Ignored"}}']);
    assert.equal(await k.ok(['get', 'gizmos.v1.stable.example.com', 'g1', '-o', 'jsonpath={.status.phase}']), '');
    await k.ok(['patch', 'gizmos.v1.stable.example.com', 'g1', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Ready","replicas":1,"selector":"app=g1"},"spec":{"color":"blue"}}']);
    assert.equal(await k.ok(['get', 'gizmos.v1.stable.example.com', 'g1', '-o', 'jsonpath={.status.phase}/{.spec.color}']), 'Ready/red');
    assert.equal(Number(await gen()), g0);
    assert.match(await k.ok(['scale', 'gizmos.v1.stable.example.com', 'g1', '--replicas=3']), /gizmo.stable.example.com\/g1 scaled/);
    assert.equal(Number(await gen()), g0 + 1);
    const scale = (await http('GET', '/apis/stable.example.com/v1/namespaces/default/gizmos/g1/scale')).json<{ spec: { replicas: number }; status: { replicas: number; selector: string } }>();
    assert.deepEqual(scale.spec, { replicas: 3 });
    assert.deepEqual(scale.status, { replicas: 1, selector: 'app=g1' });
  });

  it('printer columns, -o wide, selectable fields and the all category', async () => {
    const t = await k.ok(['get', 'gizmos.v1.stable.example.com']);
    assert.match(t, /^NAME\s+SIZE\s+REPLICAS\s+PHASE\s+AGE$/m);
    assert.match(t, /^g1\s+20cm\s+3\s+Ready\s+\d+s$/m);
    assert.match(await k.ok(['get', 'gizmos.v1.stable.example.com', '-o', 'wide']), /^g1\s+20cm\s+3\s+Ready\s+\d+s\s+red$/m);
    assert.equal(await k.ok(['get', 'gizmos.v1.stable.example.com', '--field-selector', 'spec.color=red', '-o', 'name']), 'gizmo.stable.example.com/g1\n');
    assert.equal(await k.ok(['get', 'gizmos.v1.stable.example.com', '--field-selector', 'spec.color=blue', '-o', 'name']), '');
    const bad = await k(['get', 'gizmos.v1.stable.example.com', '--field-selector', 'spec.size=1m']);
    assert.notEqual(bad.code, 0);
    assert.match(await k.ok(['get', 'all']), /^gizmo\.stable\.example\.com\/g1\s/m);
  });

  it('serves every version through the conversion webhook; the stored version stays v1', async () => {
    conversions.length = 0;
    const v2 = (await http('GET', '/apis/stable.example.com/v2/namespaces/default/gizmos/g1')).json<{ apiVersion: string; spec: Record<string, unknown> }>();
    assert.equal(v2.apiVersion, 'stable.example.com/v2');
    assert.deepEqual(v2.spec.dimensions, { size: '20cm', unit: 'cm' });
    assert.ok(conversions.includes('stable.example.com/v1->stable.example.com/v2'));
    const created = await http('POST', '/apis/stable.example.com/v2/namespaces/default/gizmos', {
      body: JSON.stringify({ apiVersion: 'stable.example.com/v2', kind: 'Gizmo', metadata: { name: 'g2' }, spec: { dimensions: { size: '5m', unit: 'cm' } } }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(created.status, 201, created.text);
    assert.ok(conversions.includes('stable.example.com/v2->stable.example.com/v1'));
    const asV1 = (await http('GET', '/apis/stable.example.com/v1/namespaces/default/gizmos/g2')).json<{ spec: { size: string } }>();
    assert.equal(asV1.spec.size, '5m');
  });

  it('client-node: create, list and watch custom objects', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    const api = kc.makeApiClient(CustomObjectsApi);
    const list = (await api.listNamespacedCustomObject({ group: 'stable.example.com', version: 'v1', namespace: 'default', plural: 'gizmos' })) as { items: { metadata: { name: string } }[]; metadata: { resourceVersion: string } };
    assert.deepEqual(list.items.map((i) => i.metadata.name).sort(), ['g1', 'g2']);
    const seen: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const req = await new Watch(kc).watch(
      '/apis/stable.example.com/v1/namespaces/default/gizmos',
      { resourceVersion: list.metadata.resourceVersion },
      (type: string, obj: { metadata: { name: string } }) => {
        seen.push(`${type} ${obj.metadata.name}`);
        if (type === 'DELETED') done();
      },
      () => undefined,
    );
    await api.createNamespacedCustomObject({ group: 'stable.example.com', version: 'v1', namespace: 'default', plural: 'gizmos', body: { apiVersion: 'stable.example.com/v1', kind: 'Gizmo', metadata: { name: 'g3' }, spec: { size: '1m' } } });
    await api.deleteNamespacedCustomObject({ group: 'stable.example.com', version: 'v1', namespace: 'default', plural: 'gizmos', name: 'g3' });
    await finished;
    req.abort();
    assert.deepEqual(seen, ['ADDED g3', 'DELETED g3']);
  });

  it('CRD validation errors and name conflicts are reported as kube does', async () => {
    const bad = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: wrong.stable.example.com\nspec:\n  group: stable.example.com\n  scope: Namespaced\n  names: {plural: things, kind: Thing}\n  versions:\n  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}\n  - {name: v2, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}\n`;
    const r = await k(['create', '-f', file('badcrd.yaml', bad)]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /metadata.name: Invalid value: "wrong.stable.example.com": must be spec.names.plural\+"."\+spec.group/);
    assert.match(r.stderr, /must have exactly one version marked as storage version/);
    const clash = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.stable.example.com\nspec:\n  group: stable.example.com\n  scope: Namespaced\n  names: {plural: gadgets, kind: Gizmo}\n  versions:\n  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}\n`;
    await k.ok(['create', '-f', file('clash.yaml', clash)]);
    let conds = '';
    for (let i = 0; i < 50 && !conds.includes('Conflict'); i++) {
      conds = await k.ok(['get', 'crd', 'gadgets.stable.example.com', '-o', 'jsonpath={range .status.conditions[*]}{.type}={.status}/{.reason}:{.message};{end}']);
      await new Promise((res) => setTimeout(res, 50));
    }
    // kube reports the last conflicting name it checks (plural, singular, short names, kind, list kind)
    assert.match(conds, /NamesAccepted=False\/ListKindConflict:"GizmoList" is already in use/);
    assert.match(conds, /Established=False\/NotAccepted/);
  });

  it('a conversion webhook that is down gives a clear 500; the storage version is still served', async () => {
    await new Promise<void>((r) => webhook.close(() => r()));
    webhook.closeAllConnections();
    const r = await http('GET', '/apis/stable.example.com/v2/namespaces/default/gizmos/g1');
    assert.equal(r.status, 500);
    const st = r.json<{ reason?: string; message: string }>();
    assert.equal(st.reason, undefined);
    assert.equal(st.message, `conversion webhook for stable.example.com/v1, Kind=Gizmo failed: Post "${webhookURL}": dial tcp ${new URL(webhookURL).host}: connect: connection refused`);
    assert.equal((await http('GET', '/apis/stable.example.com/v1/namespaces/default/gizmos/g1')).status, 200);
  });

  it('deleting a CRD deletes its instances, then its endpoints, discovery and OpenAPI', async () => {
    await k.ok(['delete', 'crd', 'gizmos.stable.example.com', '--timeout=20s']);
    const r = await k(['get', 'crd', 'gizmos.stable.example.com']);
    assert.notEqual(r.code, 0);
    assert.equal((await http('GET', '/apis/stable.example.com/v1/namespaces/default/gizmos')).status, 404);
    const idx = (await http('GET', '/openapi/v3')).json<{ paths: Record<string, unknown> }>();
    assert.ok(!('apis/stable.example.com/v1' in idx.paths));
  });
});
