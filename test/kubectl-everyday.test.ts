// kubectl's everyday commands against a real server, as a new user would run them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import { kubectl, type Kubectl } from './helpers/kubectl.js';

let server: RunningServer;
let k: Kubectl;
let k31: Kubectl;
const dir = mkdtempSync(join(tmpdir(), 'kubectl-everyday-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

before(async () => {
  server = await startServer();
  k = kubectl(server.kubeconfigPath, '1.32');
  k31 = kubectl(server.kubeconfigPath, '1.31');
});
after(async () => {
  await server.stop();
});

describe('discovery and explain', () => {
  it('api-versions lists the 1.32 default group versions', async () => {
    const out = (await k.ok(['api-versions'])).trim().split('\n');
    assert.deepEqual(out, [
      'admissionregistration.k8s.io/v1',
      'apiextensions.k8s.io/v1',
      'apiregistration.k8s.io/v1',
      'apps/v1',
      'authentication.k8s.io/v1',
      'authorization.k8s.io/v1',
      'autoscaling/v1',
      'autoscaling/v2',
      'batch/v1',
      'certificates.k8s.io/v1',
      'coordination.k8s.io/v1',
      'discovery.k8s.io/v1',
      'events.k8s.io/v1',
      'flowcontrol.apiserver.k8s.io/v1',
      'networking.k8s.io/v1',
      'node.k8s.io/v1',
      'policy/v1',
      'rbac.authorization.k8s.io/v1',
      'scheduling.k8s.io/v1',
      'storage.k8s.io/v1',
      'v1',
    ]);
  });

  it('api-resources shows short names, scope and kinds', async () => {
    const out = await k.ok(['api-resources']);
    assert.match(out, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(out, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(out, /^customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io\/v1\s+false\s+CustomResourceDefinition$/m);
    assert.match(out, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);
  });

  it('explain reads the OpenAPI v3 documents', async () => {
    const out = await k.ok(['explain', 'deployments.spec.strategy']);
    assert.match(out, /KIND:\s+Deployment/);
    assert.match(out, /FIELD:\s+strategy <DeploymentStrategy>/);
    assert.match(out, /rollingUpdate/);
  });

  it('the kubectl dispatcher on PATH picks kubectl 1.32 from /version', async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      import('node:child_process').then(({ execFile }) => {
        execFile('kubectl', ['--kubeconfig', server.kubeconfigPath, 'version', '-o', 'json'], (err, stdout) => resolve({ code: err ? 1 : 0, out: stdout }));
      });
    });
    assert.equal(r.code, 0);
    const v = JSON.parse(r.out) as { clientVersion: { minor: string }; serverVersion: { minor: string; gitVersion: string } };
    assert.equal(v.serverVersion.minor, '32');
    assert.match((v as unknown as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion, /^v1\.32\./);
  });
});

describe('namespaces and defaults', () => {
  it('has the default namespaces', async () => {
    const out = await k.ok(['get', 'ns', '-o', 'name']);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(out, new RegExp(`^namespace/${ns}$`, 'm'));
  });

  it('a new namespace gets the default ServiceAccount and kube-root-ca.crt', async () => {
    await k.ok(['create', 'namespace', 'team-a']);
    let sa = '';
    for (let i = 0; i < 50 && !sa.includes('default'); i++) {
      sa = (await k(['get', 'sa', '-n', 'team-a', '-o', 'name'])).stdout;
      if (!sa.includes('default')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(sa, /^serviceaccount\/default$/m);
    const ca = await k.ok(['get', 'cm', 'kube-root-ca.crt', '-n', 'team-a', '-o', 'jsonpath={.data.ca\\.crt}']);
    assert.match(ca, /BEGIN CERTIFICATE/);
  });

  it('creating in a missing namespace is 404', async () => {
    const r = await k(['create', 'configmap', 'x', '-n', 'nope', '--from-literal=a=b']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /namespaces "nope" not found/);
  });

  it('deleting a namespace removes its content, then the namespace', async () => {
    await k31.ok(['create', 'namespace', 'doomed']);
    await k31.ok(['create', 'configmap', 'c1', '-n', 'doomed', '--from-literal=a=b']);
    await k.ok(['delete', 'ns', 'doomed', '--timeout=20s']);
    const r = await k(['get', 'ns', 'doomed']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /namespaces "doomed" not found/);
  });
});

describe('configmaps and secrets', () => {
  it('create configmap (generator), get in every output form', async () => {
    await k.ok(['create', 'configmap', 'app-config', '--from-literal=color=blue', '--from-literal=size=3']);
    const table = await k.ok(['get', 'configmap', 'app-config']);
    assert.match(table, /^NAME\s+DATA\s+AGE$/m);
    assert.match(table, /^app-config\s+2\s+\d+s$/m);
    const y = await k.ok(['get', 'cm', 'app-config', '-o', 'yaml']);
    assert.match(y, /color: blue/);
    assert.match(y, /resourceVersion: "\d+"/);
    const j = JSON.parse(await k.ok(['get', 'cm', 'app-config', '-o', 'json'])) as { data: Record<string, string>; metadata: { uid: string } };
    assert.deepEqual(j.data, { color: 'blue', size: '3' });
    assert.match(j.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(await k.ok(['get', 'cm', 'app-config', '-o', 'name']), 'configmap/app-config\n');
    assert.equal(await k.ok(['get', 'cm', 'app-config', '-o', 'jsonpath={.data.color}']), 'blue');
    const cc = await k.ok(['get', 'cm', 'app-config', '-o', 'custom-columns=NAME:.metadata.name,COLOR:.data.color']);
    assert.match(cc, /^NAME\s+COLOR\napp-config\s+blue\n$/);
  });

  it('secret generic folds data as base64; stringData is folded into data', async () => {
    await k.ok(['create', 'secret', 'generic', 's1', '--from-literal=user=admin']);
    assert.equal(await k.ok(['get', 'secret', 's1', '-o', 'jsonpath={.data.user}']), Buffer.from('admin').toString('base64'));
    const t = await k.ok(['get', 'secret', 's1']);
    assert.match(t, /^s1\s+Opaque\s+1\s+\d+s$/m);
    await k.ok(['apply', '-f', file('s2.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s2\nstringData:\n  token: abc\n')]);
    const s2 = JSON.parse(await k.ok(['get', 'secret', 's2', '-o', 'json'])) as { data: Record<string, string>; stringData?: unknown; type: string };
    assert.deepEqual(s2.data, { token: Buffer.from('abc').toString('base64') });
    assert.equal(s2.stringData, undefined);
    assert.equal(s2.type, 'Opaque');
  });

  it('patch with the three patch types, label, annotate', async () => {
    await k.ok(['patch', 'cm', 'app-config', '-p', '{"data":{"color":"green"}}']);
    await k.ok(['patch', 'cm', 'app-config', '--type=merge', '-p', '{"data":{"shape":"round"}}']);
    await k.ok(['patch', 'cm', 'app-config', '--type=json', '-p', '[{"op":"remove","path":"/data/size"}]']);
    await k.ok(['label', 'cm', 'app-config', 'tier=web']);
    await k.ok(['annotate', 'cm', 'app-config', 'note=hello']);
    const j = JSON.parse(await k.ok(['get', 'cm', 'app-config', '-o', 'json'])) as { data: Record<string, string>; metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
    assert.deepEqual(j.data, { color: 'green', shape: 'round' });
    assert.equal(j.metadata.labels.tier, 'web');
    assert.equal(j.metadata.annotations.note, 'hello');
    const r = await k(['label', 'cm', 'app-config', 'tier=db']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /'tier' already has a value \(web\), and --overwrite is false/);
    await k.ok(['label', 'cm', 'app-config', 'tier=db', '--overwrite']);
    assert.equal(await k.ok(['get', 'cm', '-l', 'tier=db', '-o', 'name']), 'configmap/app-config\n');
    assert.equal(await k.ok(['get', 'cm', '-l', 'tier in (web,cache)', '-o', 'name']), '');
  });

  it('edit applies the editor\'s change', async () => {
    const r = await k.ok(['edit', 'cm', 'app-config'], { env: { KUBE_EDITOR: 'sed -i -e s/green/purple/' } });
    assert.match(r, /configmap\/app-config edited/);
    assert.equal(await k.ok(['get', 'cm', 'app-config', '-o', 'jsonpath={.data.color}']), 'purple');
  });

  it('replace with a stale resourceVersion is a conflict', async () => {
    const cur = JSON.parse(await k.ok(['get', 'cm', 'app-config', '-o', 'json'])) as { metadata: { resourceVersion: string } };
    const stale = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', resourceVersion: String(Number(cur.metadata.resourceVersion) - 1) }, data: { a: 'b' } };
    const r = await k(['replace', '-f', file('stale.json', JSON.stringify(stale))]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Operation cannot be fulfilled on configmaps "app-config": the object has been modified; please apply your changes to the latest version and try again/);
    const fresh = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { replaced: 'yes' } };
    assert.match(await k.ok(['replace', '-f', file('fresh.json', JSON.stringify(fresh))]), /configmap\/app-config replaced/);
    assert.equal(await k.ok(['get', 'cm', 'app-config', '-o', 'jsonpath={.data.replaced}']), 'yes');
  });

  it('get of a missing object prints kube\'s NotFound message', async () => {
    const r = await k(['get', 'cm', 'missing']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (NotFound): configmaps "missing" not found');
  });

  it('create of an existing object is AlreadyExists', async () => {
    const r = await k(['create', 'configmap', 'app-config']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /configmaps "app-config" already exists/);
  });

  it('delete by name, by label and --all', async () => {
    for (const n of ['d1', 'd2', 'd3']) await k.ok(['create', 'configmap', n, '-n', 'team-a']);
    await k.ok(['label', 'cm', 'd2', 'd3', '-n', 'team-a', 'gone=yes']);
    assert.match(await k.ok(['delete', 'cm', 'd1', '-n', 'team-a']), /configmap "d1" deleted/);
    const byLabel = await k.ok(['delete', 'cm', '-l', 'gone=yes', '-n', 'team-a']);
    assert.match(byLabel, /configmap "d2" deleted/);
    assert.match(byLabel, /configmap "d3" deleted/);
    await k.ok(['create', 'configmap', 'd4', '-n', 'team-a']);
    const all = await k.ok(['delete', 'cm', '--all', '-n', 'team-a']);
    assert.match(all, /configmap "d4" deleted/);
    assert.match(all, /configmap "kube-root-ca.crt" deleted/);
    // d4 is gone; kube-root-ca.crt is recreated by its controller, as in a real cluster.
    assert.doesNotMatch(await k.ok(['get', 'cm', '-n', 'team-a', '-o', 'name']), /d4/);
  });
});

describe('workloads', () => {
  it('create deployment (generator) and read it back defaulted', async () => {
    await k.ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2']);
    const d = JSON.parse(await k.ok(['get', 'deploy', 'web', '-o', 'json'])) as {
      metadata: { generation: number };
      spec: { replicas: number; strategy: { type: string; rollingUpdate: { maxSurge: string } }; revisionHistoryLimit: number; template: { spec: { containers: { imagePullPolicy: string; terminationMessagePath: string }[]; restartPolicy: string } } };
    };
    assert.equal(d.spec.replicas, 2);
    assert.equal(d.spec.strategy.type, 'RollingUpdate');
    assert.equal(d.spec.strategy.rollingUpdate.maxSurge, '25%');
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.template.spec.restartPolicy, 'Always');
    assert.equal(d.spec.template.spec.containers[0]!.imagePullPolicy, 'IfNotPresent');
    assert.equal(d.spec.template.spec.containers[0]!.terminationMessagePath, '/dev/termination-log');
    assert.equal(d.metadata.generation, 1);
  });

  it('get deployments prints kube\'s columns, -o wide adds containers, images, selector', async () => {
    const t = await k.ok(['get', 'deployments']);
    assert.match(t, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    assert.match(t, /^web\s+0\/2\s+0\s+0\s+\d+s$/m);
    const w = await k.ok(['get', 'deployments', '-o', 'wide']);
    assert.match(w, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    assert.match(w, /^web\s+0\/2\s+0\s+0\s+\d+s\s+nginx\s+nginx:1.27\s+app=web$/m);
  });

  it('scale updates spec.replicas through the scale subresource and bumps generation', async () => {
    assert.match(await k.ok(['scale', 'deploy', 'web', '--replicas=5']), /deployment.apps\/web scaled/);
    const d = JSON.parse(await k.ok(['get', 'deploy', 'web', '-o', 'json'])) as { metadata: { generation: number }; spec: { replicas: number } };
    assert.equal(d.spec.replicas, 5);
    assert.equal(d.metadata.generation, 2);
  });

  it('a label change does not bump generation; an image change does', async () => {
    await k.ok(['label', 'deploy', 'web', 'team=blue']);
    assert.equal(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.generation}']), '2');
    await k.ok(['set', 'image', 'deploy/web', 'nginx=nginx:1.28']);
    assert.equal(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.generation}']), '3');
  });

  it('status writes through the main endpoint are ignored', async () => {
    await k.ok(['patch', 'deploy', 'web', '--type=merge', '-p', '{"status":{"replicas":7}}']);
    assert.equal(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.status.replicas}']), '');
    await k.ok(['patch', 'deploy', 'web', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":7}}']);
    assert.equal(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.status.replicas}']), '7');
  });

  it('run creates a pod; get pods shows kube\'s pod columns; describe works', async () => {
    assert.match(await k.ok(['run', 'nginx', '--image=nginx']), /pod\/nginx created/);
    const t = await k.ok(['get', 'pods']);
    assert.match(t, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(t, /^nginx\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    const w = await k.ok(['get', 'pods', '-o', 'wide']);
    assert.match(w, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    const d = await k.ok(['describe', 'pod', 'nginx']);
    assert.match(d, /^Name:\s+nginx$/m);
    assert.match(d, /^Namespace:\s+default$/m);
    assert.match(d, /^Status:\s+Pending$/m);
    assert.match(d, /^QoS Class:\s+BestEffort$/m);
    assert.match(d, /Image:\s+nginx/);
  });

  it('create service (generator) allocates a cluster IP from the service range', async () => {
    await k.ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    const s = JSON.parse(await k.ok(['get', 'svc', 'web', '-o', 'json'])) as { spec: { clusterIP: string; type: string; ports: { port: number; targetPort: number; protocol: string }[] } };
    assert.match(s.spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    assert.notEqual(s.spec.clusterIP, '10.96.0.1');
    assert.equal(s.spec.type, 'ClusterIP');
    assert.deepEqual(s.spec.ports[0], { name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 });
    const t = await k.ok(['get', 'svc']);
    assert.match(t, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(t, /^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\d+s$/m);
    assert.match(t, new RegExp(`^web\\s+ClusterIP\\s+${s.spec.clusterIP.replace(/\./g, '\\.')}\\s+<none>\\s+80/TCP\\s+\\d+s$`, 'm'));
  });

  it('a requested cluster IP that is taken is rejected with kube\'s message', async () => {
    const taken = await k.ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web2' }, spec: { clusterIP: taken, ports: [{ port: 80 }] } };
    const r = await k(['create', '-f', file('web2.json', JSON.stringify(svc))]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`provided IP is already allocated`));
  });

  it('create job (generator) and get jobs', async () => {
    await k.ok(['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi']);
    const j = JSON.parse(await k.ok(['get', 'job', 'once', '-o', 'json'])) as { spec: { backoffLimit: number; completions: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } } };
    assert.equal(j.spec.backoffLimit, 6);
    assert.equal(j.spec.completions, 1);
    assert.ok(j.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']);
    assert.equal(j.spec.template.metadata.labels['job-name'], 'once');
    const t = await k.ok(['get', 'jobs']);
    assert.match(t, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/m);
  });

  it('get all lists the "all" category', async () => {
    const out = await k.ok(['get', 'all']);
    assert.match(out, /^pod\/nginx\s/m);
    assert.match(out, /^service\/kubernetes\s/m);
    assert.match(out, /^deployment.apps\/web\s/m);
    assert.match(out, /^job.batch\/once\s/m);
  });

  it('apply (client-side) creates, then patches with a three-way diff', async () => {
    const v1 = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels:\n    app: api\n    tier: backend\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n      - name: api\n        image: example/api:1\n        env:\n        - name: MODE\n          value: fast\n        - name: DEBUG\n          value: "1"\n';
    assert.match(await k.ok(['apply', '-f', file('api1.yaml', v1)]), /deployment.apps\/api created/);
    const v2 = v1.replace('    tier: backend\n', '').replace('example/api:1', 'example/api:2').replace('        - name: DEBUG\n          value: "1"\n', '');
    assert.match(await k.ok(['apply', '-f', file('api2.yaml', v2)]), /deployment.apps\/api configured/);
    const d = JSON.parse(await k.ok(['get', 'deploy', 'api', '-o', 'json'])) as { metadata: { labels: Record<string, string> }; spec: { template: { spec: { containers: { image: string; env: { name: string }[] }[] } } } };
    assert.deepEqual(d.metadata.labels, { app: 'api' });
    assert.equal(d.spec.template.spec.containers[0]!.image, 'example/api:2');
    assert.deepEqual(d.spec.template.spec.containers[0]!.env.map((e) => e.name), ['MODE']);
    assert.match(await k.ok(['apply', '-f', file('api2b.yaml', v2)]), /deployment.apps\/api unchanged/);
  });

  it('invalid objects are rejected with kube\'s field errors', async () => {
    const bad = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'Bad_Name' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'c' }] } } } };
    const r = await k(['create', '-f', file('bad.json', JSON.stringify(bad))]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Deployment "Bad_Name" is invalid:/);
    assert.match(r.stderr, /metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    assert.match(r.stderr, /spec.template.spec.containers\[0\].image: Required value/);
    assert.match(r.stderr, /`selector` does not match template `labels`/);
  });

  it('delete pods waits until they are gone', async () => {
    assert.match(await k.ok(['delete', 'pod', 'nginx']), /pod "nginx" deleted/);
    const r = await k(['get', 'pod', 'nginx']);
    assert.match(r.stderr, /pods "nginx" not found/);
  });
});
