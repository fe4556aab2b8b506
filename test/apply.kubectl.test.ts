// kubectl apply (client-side and server-side), managedFields, conflicts, diff and field validation,
// driven with the real kubectl as the Server-Side Apply docs describe them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import { kubectl, type Kubectl } from './helpers/kubectl.js';

let server: RunningServer;
let k: Kubectl;
const dir = mkdtempSync(join(tmpdir(), 'apply-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const V1 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  labels:
    app: NAME
    tier: backend
spec:
  replicas: 2
  selector:
    matchLabels:
      app: NAME
  template:
    metadata:
      labels:
        app: NAME
    spec:
      containers:
      - name: api
        image: example/api:1
        env:
        - name: MODE
          value: fast
        - name: DEBUG
          value: "1"
      - name: sidecar
        image: example/sidecar:1
`;
const v1 = (name: string) => V1.replace(/NAME/g, name);
const v2 = (name: string) => v1(name).replace('    tier: backend\n', '').replace('example/api:1', 'example/api:2').replace('        - name: DEBUG\n          value: "1"\n', '');

interface Dep {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string>; managedFields?: { manager: string; operation: string }[] };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string; env?: { name: string; value: string }[] }[] } } };
}

async function getDep(name: string): Promise<Dep> {
  return JSON.parse(await k.ok(['get', 'deploy', name, '-o', 'json', '--show-managed-fields'])) as Dep;
}

function assertV2(d: Dep): void {
  assert.deepEqual(d.metadata.labels, { app: d.metadata.labels.app! });
  const [api, sidecar] = d.spec.template.spec.containers;
  assert.equal(api!.image, 'example/api:2');
  assert.deepEqual(api!.env, [{ name: 'MODE', value: 'fast' }]);
  assert.equal(sidecar!.image, 'example/sidecar:1');
}

before(async () => {
  server = await startServer();
  k = kubectl(server.kubeconfigPath);
});
after(async () => {
  await server.stop();
});

describe('apply', () => {
  it('client-side: removing a label, changing one image and dropping an env var land as on kube', async () => {
    assert.match(await k.ok(['apply', '-f', file('c1.yaml', v1('csa'))]), /deployment.apps\/csa created/);
    assert.match(await k.ok(['apply', '-f', file('c2.yaml', v2('csa'))]), /deployment.apps\/csa configured/);
    const d = await getDep('csa');
    assertV2(d);
    assert.ok(d.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']);
    const managers = d.metadata.managedFields!.map((m) => `${m.manager}/${m.operation}`);
    assert.deepEqual(managers, ['kubectl-client-side-apply/Update']);
  });

  it('server-side: the same change, with field ownership in managedFields', async () => {
    assert.match(await k.ok(['apply', '--server-side', '-f', file('s1.yaml', v1('ssa'))]), /deployment.apps\/ssa serverside-applied/);
    await k.ok(['apply', '--server-side', '-f', file('s2.yaml', v2('ssa'))]);
    const d = await getDep('ssa');
    assertV2(d);
    assert.deepEqual(d.metadata.managedFields!.map((m) => `${m.manager}/${m.operation}`), ['kubectl/Apply']);
  });

  it('a second manager\'s change is a conflict that names it; --force-conflicts wins', async () => {
    await k.ok(['scale', 'deploy', 'ssa', '--replicas=5']);
    const r = await k(['apply', '--server-side', '-f', join(dir, 's2.yaml')]);
    assert.notEqual(r.code, 0);
    // kubectl scale sends no fieldManager: kube names the manager after the User-Agent's program name
    // (kubectl.1.32 for the versioned binary).
    assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl\.1\.32" with subresource "scale" using apps\/v1: \.spec\.replicas/);
    assert.equal(await k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '5');
    await k.ok(['apply', '--server-side', '--force-conflicts', '-f', join(dir, 's2.yaml')]);
    assert.equal(await k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '2');
  });

  it('shared ownership: applying the same value as another manager is no conflict', async () => {
    await k.ok(['apply', '--server-side', '--field-manager=other', '-f', file('o.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\nspec:\n  replicas: 2\n')]);
    const d = await getDep('ssa');
    assert.deepEqual(d.metadata.managedFields!.map((m) => m.manager).sort(), ['kubectl', 'other']);
  });

  it('kubectl create records an Update by kubectl-create with kube\'s FieldsV1', async () => {
    await k.ok(['create', 'configmap', 'mf', '--from-literal=a=b']);
    const cm = JSON.parse(await k.ok(['get', 'cm', 'mf', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: Record<string, unknown>[] } };
    const [mf] = cm.metadata.managedFields;
    assert.equal(mf!.manager, 'kubectl-create');
    assert.equal(mf!.operation, 'Update');
    assert.equal(mf!.apiVersion, 'v1');
    assert.equal(mf!.fieldsType, 'FieldsV1');
    assert.deepEqual(mf!.fieldsV1, { 'f:data': { '.': {}, 'f:a': {} } });
  });

  it('kubectl diff shows exactly the pending change, client-side and server-side', async () => {
    const v3 = v2('ssa').replace('example/api:2', 'example/api:3');
    const gen = Number(await k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.metadata.generation}']));
    for (const extra of [[], ['--server-side']]) {
      const r = await k(['diff', ...extra, '-f', file('v3.yaml', v3)]);
      assert.equal(r.code, 1, r.stderr);
      const changes = r.stdout.split('\n').filter((l) => /^[-+] /.test(l));
      assert.deepEqual(changes, [`-  generation: ${gen}`, `+  generation: ${gen + 1}`, '-        image: example/api:2', '+        image: example/api:3']);
    }
    assert.equal(await k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'example/api:2');
    assert.equal((await k(['diff', '--server-side', '-f', join(dir, 's2.yaml')])).code, 0);
  });

  it('apply --dry-run=server changes nothing', async () => {
    const r = await k.ok(['apply', '--server-side', '--dry-run=server', '-f', file('dry.yaml', v2('ssa').replace('example/api:2', 'example/api:9'))]);
    assert.match(r, /serverside-applied \(server dry run\)/);
    assert.equal(await k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'example/api:2');
  });
});

describe('field validation', () => {
  const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n  foo: bar\ndata:\n  a: b\nbogus: 1\n';
  it('--validate=strict rejects unknown fields with kube\'s message', async () => {
    const r = await k(['create', '-f', file('b1.yaml', bad.replace('NAME', 'strict'))]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "bogus", unknown field "metadata.foo"/);
    assert.equal((await k(['get', 'cm', 'strict'])).code, 1);
  });
  it('--validate=warn creates the object and warns', async () => {
    const r = await k(['create', '--validate=warn', '-f', file('b2.yaml', bad.replace('NAME', 'warned'))]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /Warning: unknown field "bogus"/);
    assert.match(r.stderr, /Warning: unknown field "metadata.foo"/);
    const cm = JSON.parse(await k.ok(['get', 'cm', 'warned', '-o', 'json'])) as Record<string, unknown>;
    assert.equal(cm.bogus, undefined);
  });
  it('--validate=false ignores them silently', async () => {
    const r = await k(['create', '--validate=false', '-f', file('b3.yaml', bad.replace('NAME', 'ignored'))]);
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stderr, /Warning/);
  });
});

describe('kubectl patch (docs: "Update API Objects in Place Using kubectl patch")', () => {
  const base = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: patch-demo
spec:
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: patch-demo-ctr
        image: nginx
      tolerations:
      - effect: NoSchedule
        key: dedicated
        value: test-team
`;
  it('strategic merge adds a container by name; merge patch replaces the list', async () => {
    await k.ok(['apply', '-f', file('pd.yaml', base)]);
    await k.ok(['patch', 'deployment', 'patch-demo', '--patch', '{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-2","image":"redis"}]}}}}']);
    assert.equal(await k.ok(['get', 'deploy', 'patch-demo', '-o', 'jsonpath={.spec.template.spec.containers[*].name}']), 'patch-demo-ctr-2 patch-demo-ctr');
    // tolerations have no merge key: the strategic patch replaces the list
    await k.ok(['patch', 'deployment', 'patch-demo', '--patch', '{"spec":{"template":{"spec":{"tolerations":[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]}}}}']);
    assert.equal(await k.ok(['get', 'deploy', 'patch-demo', '-o', 'jsonpath={.spec.template.spec.tolerations[*].key}']), 'disktype');
    await k.ok(['patch', 'deployment', 'patch-demo', '--type', 'merge', '--patch', '{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-3","image":"gcr.io/google-samples/hello-app:2.0"}]}}}}']);
    assert.equal(await k.ok(['get', 'deploy', 'patch-demo', '-o', 'jsonpath={.spec.template.spec.containers[*].name}']), 'patch-demo-ctr-3');
  });
  it('$retainKeys: switching the strategy to Recreate drops rollingUpdate', async () => {
    await k.ok(['patch', 'deployment', 'patch-demo', '--patch', '{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}']);
    const s = JSON.parse(await k.ok(['get', 'deploy', 'patch-demo', '-o', 'jsonpath={.spec.strategy}'])) as Record<string, unknown>;
    assert.deepEqual(s, { type: 'Recreate' });
  });
  it('a JSON patch test failure is a 422 that changes nothing', async () => {
    const r = await k(['patch', 'deployment', 'patch-demo', '--type', 'json', '-p', '[{"op":"test","path":"/spec/replicas","value":9},{"op":"replace","path":"/spec/replicas","value":3}]']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /the server rejected our request due to an error in our request/);
    assert.equal(await k.ok(['get', 'deploy', 'patch-demo', '-o', 'jsonpath={.spec.replicas}']), '2');
  });
});
