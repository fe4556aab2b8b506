// The Protobuf wire format end to end: kubectl 1.32/1.33's Protobuf-sending commands, Protobuf
// responses, lists and watch frames, and content negotiation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../src/index.js';
import { decodeProtobufObject, decodeWatchFrames, encodeProtobufObject } from '../src/endpoints/protobuf/index.js';
import { rawClient, type RawClient } from './helpers/http.js';
import { kubectl, type Kubectl } from './helpers/kubectl.js';

let server: RunningServer;
let http: RawClient;
let k32: Kubectl;
let k33: Kubectl;
const PB = 'application/vnd.kubernetes.protobuf';

before(async () => {
  server = await startServer();
  http = rawClient(server);
  k32 = kubectl(server.kubeconfigPath, '1.32');
  k33 = kubectl(server.kubeconfigPath, '1.33');
});
after(async () => {
  await server.stop();
});

describe('kubectl commands that send Protobuf bodies', () => {
  for (const [label, get] of [
    ['1.32', () => k32],
    ['1.33', () => k33],
  ] as const) {
    it(`kubectl ${label}: create namespace|configmap|secret, server dry-run, auth can-i, auth whoami`, async () => {
      const k = get();
      const ns = `pb-${label.replace('.', '')}`;
      assert.match(await k.ok(['create', 'namespace', ns]), new RegExp(`namespace/${ns} created`));
      assert.match(await k.ok(['create', 'configmap', 'c', '-n', ns, '--from-literal=a=b']), /configmap\/c created/);
      assert.match(await k.ok(['create', 'secret', 'generic', 's', '-n', ns, '--from-literal=k=v']), /secret\/s created/);
      assert.match(await k.ok(['create', 'configmap', 'dry', '-n', ns, '--from-literal=a=b', '--dry-run=server']), /configmap\/dry created \(server dry run\)/);
      assert.equal((await k(['get', 'cm', 'dry', '-n', ns])).code, 1);
      assert.equal(await k.ok(['get', 'secret', 's', '-n', ns, '-o', 'jsonpath={.data.k}']), Buffer.from('v').toString('base64'));
      assert.equal((await k.ok(['auth', 'can-i', 'create', 'deployments', '-n', ns])).trim(), 'yes');
      assert.match(await k.ok(['auth', 'whoami']), /Username\s+kubernetes-admin/);
      assert.match(await k.ok(['auth', 'can-i', '--list', '-n', ns]), /\*\.\*/);
      assert.match(await k.ok(['create', 'deployment', 'd', '-n', ns, '--image=nginx']), /deployment.apps\/d created/);
      assert.match(await k.ok(['create', 'service', 'nodeport', 'np', '-n', ns, '--tcp=80:8080']), /service\/np created/);
      const np = Number(await k.ok(['get', 'svc', 'np', '-n', ns, '-o', 'jsonpath={.spec.ports[0].nodePort}']));
      assert.ok(np >= 30000 && np <= 32767, `nodePort ${np} in range`);
    });
  }
});

describe('Protobuf on the wire', () => {
  it('a Protobuf POST and a Protobuf response round-trip the object', async () => {
    const body = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raw-pb' }, data: { x: 'y' } })!;
    const r = await http('POST', '/api/v1/namespaces/default/configmaps', { body, headers: { 'content-type': PB, accept: `${PB}, application/json` } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers['content-type'], PB);
    const obj = decodeProtobufObject(r.body);
    assert.equal(obj.kind, 'ConfigMap');
    assert.equal(obj.metadata?.name, 'raw-pb');
    assert.deepEqual(obj.data, { x: 'y' });
    assert.ok(obj.metadata?.uid);
  });

  it('lists encode as Protobuf XList', async () => {
    const r = await http('GET', '/api/v1/namespaces', { headers: { accept: PB } });
    assert.equal(r.status, 200);
    const list = decodeProtobufObject(r.body) as { kind?: string; items?: { metadata: { name: string } }[] };
    assert.equal(list.kind, 'NamespaceList');
    assert.ok(list.items!.some((i) => i.metadata.name === 'default'));
  });

  it('a Protobuf watch stream carries length-prefixed WatchEvent frames', async () => {
    const rv = (await http('GET', '/api/v1/namespaces/default/configmaps')).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const chunks: Buffer[] = [];
    const { request } = await import('node:https');
    const cfg = server.kubeconfig;
    const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString();
    const url = new URL(server.url);
    const req = request({
      host: url.hostname,
      port: url.port,
      path: `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`,
      headers: { accept: `${PB};stream=watch` },
      ca: b64(cfg.clusters[0]!.cluster['certificate-authority-data']),
      cert: b64(cfg.users[0]!.user['client-certificate-data']),
      key: b64(cfg.users[0]!.user['client-key-data']),
      agent: false,
    });
    const headers = await new Promise<Record<string, unknown>>((resolve) => {
      req.on('response', (res) => {
        res.on('data', (d: Buffer) => chunks.push(d));
        resolve(res.headers);
      });
      req.end();
    });
    assert.equal(headers['content-type'], `${PB};stream=watch`);
    await http('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ metadata: { name: 'watched-pb' } }) });
    await http('DELETE', '/api/v1/namespaces/default/configmaps/watched-pb');
    for (let i = 0; i < 50 && decodeWatchFrames(Buffer.concat(chunks)).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    const events = decodeWatchFrames(Buffer.concat(chunks));
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata?.name}`), ['ADDED watched-pb', 'DELETED watched-pb']);
  });

  it('Protobuf DeleteOptions bodies are understood', async () => {
    await http('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ metadata: { name: 'del-pb' } }) });
    const uid = (await http('GET', '/api/v1/namespaces/default/configmaps/del-pb')).json<{ metadata: { uid: string } }>().metadata.uid;
    const wrong = encodeProtobufObject({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: 'nope' } })!;
    assert.equal((await http('DELETE', '/api/v1/namespaces/default/configmaps/del-pb', { body: wrong, headers: { 'content-type': PB } })).status, 409);
    const right = encodeProtobufObject({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } })!;
    assert.equal((await http('DELETE', '/api/v1/namespaces/default/configmaps/del-pb', { body: right, headers: { 'content-type': PB } })).status, 200);
  });

  it('garbage Protobuf is a 400, and nothing is created', async () => {
    const r = await http('POST', '/api/v1/namespaces/default/configmaps', { body: Buffer.from('k8s\x00garbage'), headers: { 'content-type': PB } });
    assert.equal(r.status, 400);
    assert.equal(r.json<{ reason: string }>().reason, 'BadRequest');
  });

  it('an unknown request content type is a 415', async () => {
    const r = await http('POST', '/api/v1/namespaces/default/configmaps', { body: 'x', headers: { 'content-type': 'text/csv' } });
    assert.equal(r.status, 415);
    assert.equal(r.json<{ reason: string }>().reason, 'UnsupportedMediaType');
  });

  it('Accept lists fall back to JSON; Protobuf-only Table requests are refused', async () => {
    const j = await http('GET', '/api/v1/namespaces/default', { headers: { accept: 'application/vnd.kubernetes.protobuf;q=0.5, application/json' } });
    assert.equal(j.headers['content-type'], 'application/json');
    const t = await http('GET', '/api/v1/namespaces', { headers: { accept: 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io' } });
    assert.equal(t.status, 406);
  });
});
