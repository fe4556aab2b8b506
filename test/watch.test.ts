// Watch on SQLite: raw watch semantics over HTTP (resourceVersion, selectors, bookmarks, initial events,
// timeouts, tables, legacy paths), then the clients' watches (kubectl get -w / wait / rollout status, the
// client-node informer, the Python client's Watch) and their resumption across a restart on the same data
// directory (the suite in helpers/watch-clients.ts, which the etcd tests run too).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import { creds, rawClient, type RawClient } from './helpers/http.js';
import { connect as tlsConnect } from 'node:tls';
import { connect as http2Connect } from 'node:http2';
import { openWatch as openWatchStream, type Watch as WatchStream } from './helpers/watch.js';
import { clientWatchSuite } from './helpers/watch-clients.js';
import { objectOps, type TestEvent, type TestObject } from './helpers/objects.js';

let server: RunningServer;
let http: RawClient;
const dataDir = mkdtempSync(join(tmpdir(), 'watch-test-'));

before(async () => {
  // A data dir (not in-memory) so the client suite's last test can restart the server on the same database.
  server = await startServer({ dataDir, securePort: 0 });
  http = rawClient(server);
});
after(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const JSON_CT = { 'content-type': 'application/json' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


const { mkNs, createCM, patchCM, deleteCM } = objectOps(() => http);

async function listRV(path: string): Promise<string> {
  const r = await http('GET', path);
  assert.equal(r.status, 200, r.text);
  return r.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
}

type Watch = WatchStream<TestEvent>;

function openWatch(srv: RunningServer, path: string, headers: Record<string, string> = {}): Promise<Watch> {
  return openWatchStream<TestEvent>(srv, path, { headers });
}

describe('watch semantics over HTTP', () => {
  it('HTTP/1.1: the stream is chunked as the wire spells it, whole events per chunk, and ends with the last chunk', async () => {
    await mkNs('wchunk');
    const rv = await listRV('/api/v1/namespaces/wchunk/configmaps');
    const c = creds(server);
    const u = new URL(server.url);
    const sock = tlsConnect({ host: u.hostname, port: Number(u.port), ca: c.ca, cert: c.cert, key: c.key, ALPNProtocols: ['http/1.1'] });
    let raw = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => (raw = Buffer.concat([raw, d])));
    const ended = new Promise<void>((r) => sock.on('end', () => r()));
    await new Promise<void>((r) => sock.once('secureConnect', () => r()));
    sock.write(`GET /api/v1/namespaces/wchunk/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    for (const n of ['a', 'b', 'c']) await createCM('wchunk', n, {});
    await ended;
    const text = raw.toString('latin1');
    const bodyAt = text.indexOf('\r\n\r\n') + 4;
    assert.match(text.slice(0, bodyAt), /^HTTP\/1\.1 200 OK\r\n[\s\S]*transfer-encoding: chunked\r\n/i);
    // Decode the chunks strictly: hex size, CRLF, exactly that many bytes, CRLF; a zero-size chunk ends the body.
    let at = bodyAt;
    const chunks: string[] = [];
    for (;;) {
      const eol = text.indexOf('\r\n', at);
      assert.ok(eol > at, `a chunk size line at ${at}`);
      const size = parseInt(text.slice(at, eol), 16);
      assert.match(text.slice(at, eol), /^[0-9a-f]+$/);
      at = eol + 2;
      if (size === 0) break;
      chunks.push(raw.subarray(at, at + size).toString('utf8'));
      at += size;
      assert.equal(text.slice(at, at + 2), '\r\n');
      at += 2;
    }
    assert.equal(text.slice(at), '\r\n', 'nothing after the last chunk');
    for (const ch of chunks) assert.ok(ch.endsWith('\n'), 'a chunk holds whole events');
    const events = chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED a', 'ADDED b', 'ADDED c']);
  });

  it('HTTP/2: the response headers come before any event, events arrive as they are written, and timeoutSeconds ends the stream', async () => {
    await mkNs('wh2');
    const rv = await listRV('/api/v1/namespaces/wh2/configmaps');
    const c = creds(server);
    const session = http2Connect(server.url, { ca: c.ca, cert: c.cert, key: c.key });
    try {
      const stream = session.request({ ':path': `/api/v1/namespaces/wh2/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=3`, accept: 'application/json' });
      const headers = await new Promise<Record<string, string | string[] | undefined>>((r) => stream.once('response', r));
      assert.equal(headers[':status'], 200);
      assert.equal(headers['content-type'], 'application/json');
      let text = '';
      const waiters: (() => void)[] = [];
      stream.on('data', (d: Buffer) => {
        text += d.toString('utf8');
        for (const w of waiters.splice(0)) w();
      });
      const ended = new Promise<void>((r) => stream.on('end', () => r()));
      const lines = () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
      const until = (n: number) =>
        new Promise<void>((ok, fail) => {
          const t = setTimeout(() => fail(new Error(`fewer than ${n} events: ${text}`)), 5000);
          const check = () => (lines().length >= n ? (clearTimeout(t), ok()) : waiters.push(check));
          check();
        });
      assert.equal(text, '', 'no event before any write');
      await createCM('wh2', 'one', {});
      await until(1); // delivered while the stream is open, not at its end
      await createCM('wh2', 'two', {});
      await until(2);
      await ended;
      assert.deepEqual(lines().map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED one', 'ADDED two']);
    } finally {
      session.close();
    }
  });

  it('a label selector turns objects that stop matching into DELETED and that start matching into ADDED', async () => {
    await mkNs('wsel');
    const rv = await listRV('/api/v1/namespaces/wsel/configmaps');
    const w = await openWatch(server, `/api/v1/namespaces/wsel/configmaps?watch=1&labelSelector=app%3Da&resourceVersion=${rv}`);
    try {
      assert.equal(w.status, 200);
      assert.match(w.contentType, /^application\/json/);
      await createCM('wsel', 's1', { app: 'a' });
      await createCM('wsel', 'other', { app: 'b' });
      await patchCM('wsel', 's1', { metadata: { labels: { app: 'b' } } });
      await patchCM('wsel', 'other', { metadata: { labels: { app: 'a' } } });
      await patchCM('wsel', 'other', { data: { x: 'y' } });
      await deleteCM('wsel', 'other');
      const evs = await w.waitCount(5);
      await sleep(200);
      assert.deepEqual(
        w.events.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.labels?.app}`),
        ['ADDED s1 a', 'DELETED s1 a', 'ADDED other a', 'MODIFIED other a', 'DELETED other a'],
      );
      // The DELETED for a no-longer-matching object carries its new state (kube sends the current object).
      assert.equal(evs[1]!.object.kind, 'ConfigMap');
      assert.equal(evs[1]!.object.apiVersion, 'v1');
      // A real deletion's event carries the deletion's resourceVersion, later than the last write.
      assert.ok(Number(evs[4]!.object.metadata.resourceVersion) > Number(evs[3]!.object.metadata.resourceVersion));
    } finally {
      w.stop();
    }
  });

  it('deleting an object with finalizers: MODIFIED with deletionTimestamp, then DELETED when the finalizer goes', async () => {
    await mkNs('wfin');
    const rv = await listRV('/api/v1/namespaces/wfin/configmaps');
    const w = await openWatch(server, `/api/v1/namespaces/wfin/configmaps?watch=1&resourceVersion=${rv}`);
    try {
      const r = await http('POST', '/api/v1/namespaces/wfin/configmaps', {
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'f', finalizers: ['example.com/hold'] } }),
        headers: JSON_CT,
      });
      assert.equal(r.status, 201, r.text);
      const del = await http('DELETE', '/api/v1/namespaces/wfin/configmaps/f');
      assert.equal(del.status, 200, del.text);
      const m = await w.waitFor((e) => e.type === 'MODIFIED');
      assert.ok((m.object.metadata as Record<string, unknown>).deletionTimestamp, JSON.stringify(m.object));
      await patchCM('wfin', 'f', { metadata: { finalizers: null } });
      await w.waitFor((e) => e.type === 'DELETED');
      await sleep(200);
      assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    } finally {
      w.stop();
    }
  });

  it('resourceVersion unset or "0" starts with synthetic ADDED events; an exact one starts after it', async () => {
    await mkNs('wrv');
    const a = await createCM('wrv', 'a');
    const b = await patchCM('wrv', 'a', { data: { a: '2' } });
    await createCM('wrv', 'b');
    for (const q of ['', '&resourceVersion=0']) {
      const w = await openWatch(server, `/api/v1/namespaces/wrv/configmaps?watch=true${q}`);
      try {
        const evs = await w.waitCount(3); // a, b, kube-root-ca.crt
        await sleep(200);
        assert.equal(w.events.length, 3, JSON.stringify(w.events));
        assert.ok(evs.every((e) => e.type === 'ADDED'));
        assert.deepEqual(evs.map((e) => e.object.metadata.name).sort(), ['a', 'b', 'kube-root-ca.crt']);
        // The synthetic ADDED carries the current state, not the creation.
        assert.equal(evs.find((e) => e.object.metadata.name === 'a')!.object.metadata.resourceVersion, b.metadata.resourceVersion);
      } finally {
        w.stop();
      }
    }
    // From a's creation: the MODIFIED of a and the ADDED of b follow, nothing before.
    const w = await openWatch(server, `/api/v1/namespaces/wrv/configmaps?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
    try {
      await w.waitCount(2);
      await sleep(200);
      assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['MODIFIED a', 'ADDED b']);
      assert.equal(w.events[0]!.object.metadata.resourceVersion, b.metadata.resourceVersion);
      assert.ok(Number(w.events[1]!.object.metadata.resourceVersion) > Number(b.metadata.resourceVersion));
    } finally {
      w.stop();
    }
  });

  it('allowWatchBookmarks delivers BOOKMARK events with only kind, apiVersion and resourceVersion', async () => {
    await mkNs('wbm');
    const rv = await listRV('/api/v1/namespaces/wbm/configmaps');
    // kube sends a bookmark ~2 s before the timeout of a watch (and about every minute).
    const w = await openWatch(server, `/api/v1/namespaces/wbm/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=6`);
    try {
      const bm = await w.waitFor((e) => e.type === 'BOOKMARK', 7000);
      assert.equal(bm.object.kind, 'ConfigMap');
      assert.equal(bm.object.apiVersion, 'v1');
      assert.ok(Number(bm.object.metadata.resourceVersion) >= Number(rv));
      assert.equal(bm.object.data, undefined);
      await w.ended;
    } finally {
      w.stop();
    }
    // Without allowWatchBookmarks: no BOOKMARK at all.
    const plain = await openWatch(server, `/api/v1/namespaces/wbm/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=3`);
    await plain.ended;
    assert.deepEqual(plain.events.map((e) => e.type), []);
  });

  it('sendInitialEvents: synthetic ADDEDs, then a BOOKMARK annotated k8s.io/initial-events-end', async () => {
    await mkNs('winit');
    await createCM('winit', 'x');
    const last = await createCM('winit', 'y');
    const w = await openWatch(server, '/api/v1/namespaces/winit/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
    try {
      const evs = await w.waitCount(4);
      assert.deepEqual(evs.slice(0, 3).map((e) => e.type), ['ADDED', 'ADDED', 'ADDED']);
      assert.deepEqual(evs.slice(0, 3).map((e) => e.object.metadata.name).sort(), ['kube-root-ca.crt', 'x', 'y']);
      const bm = evs[3]!;
      assert.equal(bm.type, 'BOOKMARK');
      assert.deepEqual(bm.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
      assert.ok(Number(bm.object.metadata.resourceVersion) >= Number(last.metadata.resourceVersion));
      // Then live events.
      await createCM('winit', 'z');
      await w.waitFor((e) => e.type === 'ADDED' && e.object.metadata.name === 'z');
    } finally {
      w.stop();
    }
  });

  it('sendInitialEvents without resourceVersionMatch=NotOlderThan (and the reverse) is a 422 Invalid ListOptions', async () => {
    const bad = await http('GET', '/api/v1/namespaces/winit/configmaps?watch=1&sendInitialEvents=true');
    assert.equal(bad.status, 422, bad.text);
    const st = bad.json<{ reason: string; message: string }>();
    assert.equal(st.reason, 'Invalid');
    assert.equal(st.message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    const bad2 = await http('GET', '/api/v1/namespaces/winit/configmaps?watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=1');
    assert.equal(bad2.status, 422, bad2.text);
    assert.equal(
      bad2.json<{ message: string }>().message,
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    );
  });

  it('sendInitialEvents on a list or a deletecollection (any value) is a 422 that changes nothing', async () => {
    await createCM('winit', 'keep-me');
    const want = 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list';
    for (const v of ['true', 'false']) {
      const list = await http('GET', `/api/v1/namespaces/winit/configmaps?sendInitialEvents=${v}`);
      assert.equal(list.status, 422, list.text);
      assert.equal(list.json<{ message: string }>().message, want);
    }
    const del = await http('DELETE', '/api/v1/namespaces/winit/configmaps?sendInitialEvents=false');
    assert.equal(del.status, 422, del.text);
    assert.equal(del.json<{ message: string }>().message, want);
    assert.equal((await http('GET', '/api/v1/namespaces/winit/configmaps/keep-me')).status, 200);
  });

  it('sendInitialEvents with a resourceVersion the store has not reached: 200 + ERROR event 504 "Timeout: Too large resource version"', async () => {
    const cur = Number(await listRV('/api/v1/namespaces/default/configmaps'));
    const future = cur + 100000;
    const w = await openWatch(server, `/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${future}`);
    await w.ended;
    assert.equal(w.status, 200, await w.body);
    assert.equal(w.events.length, 1, JSON.stringify(w.events));
    const e = w.events[0]!;
    assert.equal(e.type, 'ERROR');
    assert.equal(e.object.code, 504);
    assert.equal(e.object.reason, 'Timeout');
    assert.match(e.object.message ?? '', new RegExp(`^Timeout: Too large resource version: ${future}, current: \\d+$`));
    const details = (e.object as unknown as { details?: { retryAfterSeconds?: number; causes?: { reason: string; message: string }[] } }).details;
    assert.equal(details?.retryAfterSeconds, 1);
    assert.deepEqual(details?.causes, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
  });

  it('timeoutSeconds closes the stream cleanly', async () => {
    const t0 = Date.now();
    const w = await openWatch(server, '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&resourceVersion=' + (await listRV('/api/v1/namespaces/default/configmaps')));
    await w.ended;
    const took = Date.now() - t0;
    assert.ok(took >= 900 && took < 4000, `took ${took} ms`);
    assert.deepEqual(w.events, []);
  });

  it('as=Table: every event object is a Table with one row', async () => {
    await mkNs('wtab');
    const rv = await listRV('/api/v1/namespaces/wtab/configmaps');
    const w = await openWatch(server, `/api/v1/namespaces/wtab/configmaps?watch=1&resourceVersion=${rv}`, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    try {
      assert.equal(w.status, 200);
      await createCM('wtab', 't1');
      await patchCM('wtab', 't1', { data: { b: '2' } });
      await deleteCM('wtab', 't1');
      const evs = await w.waitCount(3);
      assert.deepEqual(evs.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
      for (const e of evs) {
        const t = e.object as unknown as { kind: string; apiVersion: string; rows: { cells: unknown[]; object: TestObject }[]; columnDefinitions?: { name: string }[] };
        assert.equal(t.kind, 'Table');
        assert.equal(t.apiVersion, 'meta.k8s.io/v1');
        assert.equal(t.rows.length, 1);
        assert.equal(t.rows[0]!.cells[0], 't1');
        assert.equal(t.rows[0]!.object.kind, 'PartialObjectMetadata');
        assert.equal(t.rows[0]!.object.metadata.name, 't1');
      }
      const first = evs[0]!.object as unknown as { columnDefinitions: { name: string }[] };
      assert.deepEqual(first.columnDefinitions.map((c) => c.name), ['Name', 'Data', 'Age']);
      assert.equal((evs[1]!.object as unknown as { rows: { cells: unknown[] }[] }).rows[0]!.cells[1], 2);
    } finally {
      w.stop();
    }
  });

  it('the legacy /api/v1/watch/ paths watch a collection and a single object', async () => {
    await mkNs('wleg');
    const rv = await listRV('/api/v1/namespaces/wleg/configmaps');
    const coll = await openWatch(server, `/api/v1/watch/namespaces/wleg/configmaps?resourceVersion=${rv}`);
    const one = await openWatch(server, `/api/v1/watch/namespaces/wleg/configmaps/l2?resourceVersion=${rv}`);
    const all = await openWatch(server, `/api/v1/watch/configmaps?resourceVersion=${rv}`);
    try {
      assert.equal(coll.status, 200);
      assert.equal(one.status, 200);
      assert.equal(all.status, 200);
      await createCM('wleg', 'l1');
      await createCM('wleg', 'l2');
      await coll.waitCount(2);
      await one.waitCount(1);
      await all.waitFor((e) => e.object.metadata.name === 'l2');
      await sleep(200);
      assert.deepEqual(coll.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED l1', 'ADDED l2']);
      assert.deepEqual(one.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED l2']);
      assert.ok(all.events.some((e) => e.object.metadata.name === 'l1' && e.object.metadata.namespace === 'wleg'));
    } finally {
      coll.stop();
      one.stop();
      all.stop();
    }
    // The non-legacy single-object form: a list watch with fieldSelector=metadata.name.
    const rv2 = await listRV('/api/v1/namespaces/wleg/configmaps');
    const f = await openWatch(server, `/api/v1/namespaces/wleg/configmaps?watch=1&fieldSelector=metadata.name%3Dl1&resourceVersion=${rv2}`);
    try {
      await patchCM('wleg', 'l2', { data: { z: '1' } });
      await patchCM('wleg', 'l1', { data: { z: '1' } });
      await f.waitCount(1);
      await sleep(200);
      assert.deepEqual(f.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['MODIFIED l1']);
    } finally {
      f.stop();
    }
  });

  it('400 watch connections each get every event once, in order, while writes keep coming', async () => {
    await mkNs('wmany');
    const rv = await listRV('/api/v1/namespaces/wmany/configmaps');
    const watches: Watch[] = [];
    for (let i = 0; i < 400; i += 50) {
      watches.push(...(await Promise.all(Array.from({ length: 50 }, () => openWatch(server, `/api/v1/namespaces/wmany/configmaps?watch=1&resourceVersion=${rv}`)))));
    }
    try {
      // Writes in waves of 10 while earlier events are still being written to 400 sockets: flush rounds
      // over that many connections are cut into slices, with requests handled in between.
      const created: TestObject[] = [];
      for (let w = 0; w < 4; w++) created.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => createCM('wmany', `m-${w}-${i}`)))));
      const want = [...created].sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion)).map((c) => `${c.metadata.name}@${c.metadata.resourceVersion}`);
      for (const w of watches) {
        const got = await w.waitCount(40, 20000);
        assert.deepEqual(got.map((e) => `${e.object.metadata.name}@${e.object.metadata.resourceVersion}`), want);
      }
      await sleep(200);
      assert.ok(watches.every((w) => w.events.length === 40 && w.events.every((e) => e.type === 'ADDED')), 'no event twice');
    } finally {
      for (const w of watches) w.stop();
    }
  });

  it('a future resourceVersion waits for it rather than replaying history', async () => {
    const rv = Number(await listRV('/api/v1/namespaces/default/configmaps'));
    const w = await openWatch(server, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`);
    try {
      const c = await createCM('default', 'future-1');
      const e = await w.waitFor((x) => x.object.metadata.name === 'future-1');
      assert.equal(e.type, 'ADDED');
      assert.equal(e.object.metadata.resourceVersion, c.metadata.resourceVersion);
    } finally {
      w.stop();
    }
  });
});

clientWatchSuite({
  backend: 'SQLite',
  restartWhat: 'same data directory',
  server: () => server,
  restart: async () => {
    const port = server.port;
    await server.stop();
    server = await startServer({ dataDir, securePort: port });
    http = rawClient(server);
    },
  resumeAfterRestart: 'events',
  scratchDir: dataDir,
});
