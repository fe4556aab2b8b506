import { describe, it, afterEach } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import assert from 'node:assert/strict';
import type { KObject } from '../src/api/types.js';
import type { KeyValue, Storage, Watcher, WatchOptions } from '../src/storage/interface.js';
import { SqliteStorage } from '../src/storage/sqlite.js';
import {
  cachedJson,
  memoize,
  TooLargeResourceVersionError,
  TooOldResourceVersionError,
  WatchCache,
  type CacheWatchHandle,
  type WatchCacheEvent,
  type WatchCacheOptions,
  type WatchCacheSink,
} from '../src/registry/watch-cache.js';

const PREFIX = '/registry/configmaps/';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Storage wrapper that counts calls and can break the watches it handed out. */
class TestStorage {
  watchCalls = 0;
  listCalls = 0;
  private readonly active = new Set<{ inner: Watcher; opts: WatchOptions }>();
  readonly storage: Storage;

  constructor(readonly inner: SqliteStorage) {
    const self = this;
    this.storage = {
      currentRevision: () => inner.currentRevision(),
      get: (k) => inner.get(k),
      list: (p, o) => {
        self.listCalls++;
        return inner.list(p, o);
      },
      count: (p) => inner.count(p),
      create: (k, v) => inner.create(k, v),
      update: (k, v, r) => inner.update(k, v, r),
      delete: (k, r) => inner.delete(k, r),
      watch: (p, opts) => {
        self.watchCalls++;
        const w = inner.watch(p, opts);
        const rec = { inner: w, opts };
        self.active.add(rec);
        return {
          close: () => {
            self.active.delete(rec);
            w.close();
          },
        };
      },
      compact: (r) => inner.compact(r),
      compactedRevision: () => inner.compactedRevision(),
      close: () => inner.close(),
    };
  }

  /** Fail every open watch as a backend error would. */
  breakWatches(): void {
    for (const rec of [...this.active]) {
      this.active.delete(rec);
      rec.inner.close();
      rec.opts.onError?.(new Error('backend went away'));
    }
  }
}

function decode(kv: KeyValue): KObject {
  const o = JSON.parse(kv.value) as KObject;
  o.metadata = { ...(o.metadata ?? {}), resourceVersion: String(kv.modRevision) };
  return o;
}

function cm(ns: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): string {
  return JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name, namespace: ns, labels }, data });
}

function key(ns: string, name: string): string {
  return `${PREFIX}${ns}/${name}`;
}

interface Collected {
  events: WatchCacheEvent[];
  closed: { err: Error | undefined } | undefined;
  sink: WatchCacheSink;
}

function collector(accept: () => boolean | void = () => undefined): Collected {
  const c: Collected = {
    events: [],
    closed: undefined,
    sink: {
      event: (ev) => {
        c.events.push(ev);
        return accept();
      },
      close: (err) => {
        c.closed = { err };
      },
    },
  };
  return c;
}

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const summary = (evs: WatchCacheEvent[]) => evs.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}@${e.object.metadata?.resourceVersion}`);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(extra: Partial<WatchCacheOptions> = {}, sqliteOpts: { progressIntervalMs?: number } = {}) {
  const inner = SqliteStorage.open({ path: ':memory:', progressIntervalMs: sqliteOpts.progressIntervalMs ?? 0 });
  const ts = new TestStorage(inner);
  const mk = () =>
    new WatchCache({
      storage: ts.storage,
      prefix: PREFIX,
      decode,
      inProcessStorage: true,
      bookmarkType: { kind: 'ConfigMap', apiVersion: 'v1' },
      retryDelayMs: 10,
      ...extra,
    });
  let cache: WatchCache | undefined;
  cleanups.push(async () => {
    cache?.stop();
    await inner.close();
  });
  return {
    inner,
    ts,
    start: async () => {
      cache = mk();
      await cache.start();
      return cache;
    },
  };
}

async function watch(cache: WatchCache, o: Omit<Parameters<WatchCache['watch']>[0], 'sink'>, c = collector()): Promise<Collected & { handle: CacheWatchHandle }> {
  const handle = await cache.watch({ ...o, sink: c.sink });
  return Object.assign(c, { handle });
}

describe('WatchCache', () => {
  it('starts with one list and one watch and serves lists from memory, sorted, by namespace, filtered, limited', async () => {
    const { inner, ts, start } = await setup();
    await inner.create(key('b', 'x'), cm('b', 'x'));
    await inner.create(key('a', 'z'), cm('a', 'z', { app: 'web' }));
    await inner.create(key('a', 'y'), cm('a', 'y'));
    await inner.create('/registry/secrets/a/s', '{}');
    const cache = await start();
    assert.equal(ts.listCalls, 1);
    assert.equal(ts.watchCalls, 1);
    const rev = await inner.currentRevision();
    const all = await cache.list();
    assert.deepEqual(all.items.map((o) => o.metadata?.name), ['y', 'z', 'x']);
    assert.deepEqual(all.keys, [key('a', 'y'), key('a', 'z'), key('b', 'x')]);
    assert.equal(all.revision, rev);
    assert.equal(all.items[1]?.metadata?.resourceVersion, '2');
    assert.ok(Object.isFrozen(all.items[0]) && Object.isFrozen(all.items[0]?.metadata), 'cached objects are frozen');
    const nsA = await cache.list({ prefix: `${PREFIX}a/` });
    assert.deepEqual(nsA.items.map((o) => o.metadata?.name), ['y', 'z']);
    const web = await cache.list({ filter: (o) => o.metadata?.labels?.app === 'web' });
    assert.deepEqual(web.items.map((o) => o.metadata?.name), ['z']);
    const page = await cache.list({ limit: 1 });
    assert.deepEqual([page.items.length, page.more, page.remaining], [1, true, 2]);
    const full = await cache.list({ limit: 3 });
    assert.equal(full.more, false);
    // The same object instance serves every read: JSON.parse once.
    const again = await cache.list();
    assert.equal(again.items[0], all.items[0]);
    assert.equal(ts.listCalls, 1, 'lists do not touch storage');
    const got = await cache.get(key('a', 'z'));
    assert.equal(got?.object, all.items[1]);
  });

  it('follows live creates, updates and deletes', async () => {
    const { inner, start } = await setup();
    const cache = await start();
    const w = await watch(cache, { fromRevision: cache.revision });
    const a = await inner.create(key('n', 'a'), cm('n', 'a'));
    const a2 = await inner.update(key('n', 'a'), cm('n', 'a', {}, { k: 'v' }), a.modRevision);
    const del = await inner.delete(key('n', 'a'));
    await waitFor(() => w.events.length === 3);
    assert.deepEqual(summary(w.events), [`ADDED a@${a.modRevision}`, `MODIFIED a@${a2.modRevision}`, `DELETED a@${del.modRevision}`]);
    assert.deepEqual(w.events[2]?.object.data, { k: 'v' }, 'DELETED carries the last state');
    assert.equal(cache.revision, del.modRevision);
    assert.equal((await cache.list()).items.length, 0);
  });

  it('keeps lists sorted and current through creates, updates, deletes and re-creates between reads', async () => {
    const { inner, start } = await setup();
    for (const n of ['m', 'c', 'x']) await inner.create(key('n', n), cm('n', n));
    const cache = await start();
    const model = new Map<string, string>([['c', ''], ['m', ''], ['x', '']]);
    const rev = new Map<string, number>();
    const expectList = async () => {
      await waitFor(() => cache.revision === Math.max(...[...rev.values(), 0]) || rev.size === 0);
      const got = (await cache.list()).items.map((o) => `${o.metadata!.name}=${(o.data as Record<string, string> | undefined)?.v ?? ''}`);
      assert.deepEqual(got, [...model.keys()].sort().map((k) => `${k}=${model.get(k)}`));
    };
    await expectList();
    // Rounds of writes with a read after each: new keys before, between and after existing ones; updates
    // of settled and of still-pending keys; deletes of both; a key deleted and created again in one round.
    const rounds: [string, string, string?][][] = [
      [['create', 'a'], ['create', 'z'], ['create', 'k'], ['update', 'm', '1']],
      [['update', 'k', '2'], ['create', 'b'], ['update', 'b', '3'], ['delete', 'c'], ['delete', 'b']],
      [['delete', 'm'], ['create', 'm'], ['update', 'm', '4'], ['create', 'c'], ['delete', 'z'], ['create', 'zz']],
      [['delete', 'a'], ['delete', 'k'], ['delete', 'm'], ['delete', 'x'], ['create', 'x', '5']],
    ];
    for (const round of rounds) {
      for (const [op, n, v] of round) {
        const k = key('n', n);
        const body = cm('n', n, {}, v ? { v } : {});
        if (op === 'create') {
          rev.set('last', (await inner.create(k, body)).modRevision);
          model.set(n, v ?? '');
        } else if (op === 'update') {
          const cur = await inner.get(k);
          rev.set('last', (await inner.update(k, body, cur!.modRevision)).modRevision);
          model.set(n, v ?? '');
        } else {
          rev.set('last', (await inner.delete(k)).modRevision);
          model.delete(n);
        }
      }
      await expectList();
    }
  });

  it('a write acknowledged before a consistent list is in that list', async () => {
    const { inner, start } = await setup();
    const cache = await start();
    for (let i = 0; i < 50; i++) {
      const kv = await inner.create(key('n', `o${i}`), cm('n', `o${i}`));
      const res = await cache.list({ minRevision: 'consistent' });
      assert.equal(res.items.length, i + 1);
      assert.ok(res.revision >= kv.modRevision);
    }
    // Writes to other resources advance the storage revision without events for this cache: a
    // consistent read still completes at once (one event-loop turn), not after a timeout.
    await inner.create('/registry/secrets/n/s', '{}');
    const cur = await inner.currentRevision();
    const t0 = Date.now();
    const res = await cache.list({ minRevision: 'consistent' });
    assert.ok(Date.now() - t0 < 500);
    assert.equal(res.revision, cur);
    assert.equal(cache.canServeList({}), true);
  });

  it('without progress information a consistent read times out with kube\'s message and is not served from cache', async () => {
    const { inner, start } = await setup({ inProcessStorage: false, freshTimeoutMs: 100 });
    const cache = await start();
    await inner.create('/registry/secrets/n/s', '{}');
    assert.equal(cache.canServeList({}), false);
    assert.equal(cache.canServeList({ resourceVersion: '0' }), true);
    await assert.rejects(cache.list({ minRevision: 'consistent' }), (e: unknown) => {
      assert.ok(e instanceof TooLargeResourceVersionError);
      assert.equal(e.message, 'Too large resource version: 1, current: 0');
      return true;
    });
  });

  it('NotOlderThan a future revision times out with 504 Too large resource version', async () => {
    const { start } = await setup();
    const cache = await start();
    await assert.rejects(cache.list({ minRevision: 99, timeoutMs: 60 }), /^Error: Too large resource version: 99, current: 0$/);
  });

  it('canServeList follows kube 1.32 shouldDelegateList', async () => {
    const { start } = await setup();
    const cache = await start();
    assert.equal(cache.canServeList({ resourceVersion: '5', resourceVersionMatch: 'Exact' }), false);
    assert.equal(cache.canServeList({ continue: 'abc' }), false);
    assert.equal(cache.canServeList({ resourceVersion: '5', limit: 10 }), false);
    assert.equal(cache.canServeList({ resourceVersion: '5', resourceVersionMatch: 'NotOlderThan', limit: 10 }), true);
    assert.equal(cache.canServeList({ resourceVersion: '0', limit: 10 }), true);
    assert.equal(cache.canServeList({ limit: 10 }), true);
  });

  it('replays history from an older revision, then continues live, each event once', async () => {
    const { inner, start } = await setup();
    const cache = await start();
    const r0 = cache.revision;
    for (let i = 0; i < 5; i++) await inner.create(key('n', `o${i}`), cm('n', `o${i}`));
    await waitFor(() => cache.revision === r0 + 5);
    const w = await watch(cache, { fromRevision: r0 + 2 });
    await inner.create(key('n', 'live'), cm('n', 'live'));
    await waitFor(() => w.events.length === 4);
    assert.deepEqual(summary(w.events), ['ADDED o2@3', 'ADDED o3@4', 'ADDED o4@5', 'ADDED live@6']);
  });

  it('answers a too old starting revision with kube\'s 410 message', async () => {
    const { inner, start } = await setup({ historyMinEvents: 10, historyWindowMs: 0 });
    const cache = await start();
    const from = cache.revision;
    assert.equal(cache.coveredFrom, from);
    for (let i = 0; i < 30; i++) await inner.create(key('n', `o${i}`), cm('n', `o${i}`));
    await waitFor(() => cache.revision === 30);
    assert.equal(cache.historyLength, 10);
    assert.equal(cache.coveredFrom, 20);
    await assert.rejects(cache.watch({ fromRevision: 5, sink: collector().sink }), (e: unknown) => {
      assert.ok(e instanceof TooOldResourceVersionError);
      assert.equal(e.message, 'too old resource version: 5 (20)');
      assert.equal(e.code, 410);
      return true;
    });
    const w = await watch(cache, { fromRevision: 20 });
    await waitFor(() => w.events.length === 10);
    assert.equal(w.events[0]?.revision, 21);
  });

  it('1000 watchers share one storage watch and the same event instances', async () => {
    const { inner, ts, start } = await setup();
    const cache = await start();
    const ws = await Promise.all(Array.from({ length: 1000 }, (_, i) => watch(cache, { fromRevision: cache.revision, prefix: i % 2 ? `${PREFIX}odd/` : undefined })));
    assert.equal(cache.watcherCount, 1000);
    await inner.create(key('odd', 'a'), cm('odd', 'a'));
    await inner.create(key('even', 'b'), cm('even', 'b'));
    await waitFor(() => ws.every((w, i) => w.events.length === (i % 2 ? 1 : 2)));
    assert.equal(ts.watchCalls, 1);
    const first = ws[0]!.events[0]!;
    for (const w of ws) assert.equal(w.events[0], first, 'one shared event object');
    for (const w of ws) w.handle.close();
    assert.equal(cache.watcherCount, 0);
  });

  it('computes selector transitions: starts matching = ADDED, stops matching = DELETED', async () => {
    const { inner, start } = await setup();
    const cache = await start();
    const isWeb = (o: KObject) => o.metadata?.labels?.app === 'web';
    const w = await watch(cache, { fromRevision: cache.revision, filter: isWeb });
    const k = key('n', 'a');
    const r1 = await inner.create(k, cm('n', 'a', { app: 'db' })); // not matching: nothing
    const r2 = await inner.update(k, cm('n', 'a', { app: 'web' }), r1.modRevision); // ADDED
    const r3 = await inner.update(k, cm('n', 'a', { app: 'web' }, { x: '1' }), r2.modRevision); // MODIFIED
    const r4 = await inner.update(k, cm('n', 'a', { app: 'db' }), r3.modRevision); // DELETED (previous content, new RV)
    await inner.delete(k); // not matching: nothing
    const b = await inner.create(key('n', 'b'), cm('n', 'b', { app: 'web' })); // ADDED
    const bd = await inner.delete(key('n', 'b')); // DELETED
    await waitFor(() => w.events.length === 5);
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(summary(w.events), [
      `ADDED a@${r2.modRevision}`,
      `MODIFIED a@${r3.modRevision}`,
      `DELETED a@${r4.modRevision}`,
      `ADDED b@${b.modRevision}`,
      `DELETED b@${bd.modRevision}`,
    ]);
    const gone = w.events[2]!.object;
    assert.equal(gone.metadata?.labels?.app, 'web', 'DELETED carries the last matching state');
    assert.deepEqual(gone.data, { x: '1' });
    // A watcher without filter sees the same change as a MODIFIED.
    const replay = await watch(cache, { fromRevision: r3.modRevision });
    await waitFor(() => replay.events.length >= 1);
    assert.equal(replay.events[0]?.type, 'MODIFIED');
  });

  it('sends bookmarks at most every bookmark period to watchers that asked, at the revision learned from progress', async () => {
    const { inner, start } = await setup({ bookmarkFrequencyMs: 100, bookmarkTickMs: 10 }, { progressIntervalMs: 20 });
    const cache = await start();
    const withBm = await watch(cache, { fromRevision: cache.revision, bookmarks: true });
    const without = await watch(cache, { fromRevision: cache.revision });
    // A write to another resource: this cache only learns the revision from a progress notification.
    const other = await inner.create('/registry/secrets/n/s', '{}');
    await waitFor(() => cache.revision === other.modRevision);
    const t0 = Date.now();
    await waitFor(() => withBm.events.length >= 1, 1000);
    const bm = withBm.events[0]!;
    assert.equal(bm.type, 'BOOKMARK');
    assert.equal(bm.object.metadata?.resourceVersion, String(other.modRevision));
    assert.equal(bm.object.kind, 'ConfigMap');
    assert.equal(bm.object.metadata?.annotations, undefined);
    await new Promise((r) => setTimeout(r, 350));
    const n = withBm.events.length;
    const elapsed = Date.now() - t0 + 100;
    assert.ok(n <= Math.ceil(elapsed / 100) + 1, `${n} bookmarks in ${elapsed} ms`);
    assert.ok(n >= 2);
    assert.equal(without.events.length, 0);
  });

  it('sendInitialEvents: ADDED for the current state, then the initial-events-end BOOKMARK, then live events', async () => {
    const { inner, start } = await setup();
    const cache = await start();
    await inner.create(key('n', 'b'), cm('n', 'b'));
    await inner.create(key('n', 'a'), cm('n', 'a', { app: 'web' }));
    await inner.create(key('m', 'c'), cm('m', 'c'));
    const w = await watch(cache, { initialState: true, minRevision: 'consistent', initialEventsEndBookmark: true, bookmarks: true });
    await waitFor(() => w.events.length === 4);
    assert.deepEqual(summary(w.events).slice(0, 3), ['ADDED c@3', 'ADDED a@2', 'ADDED b@1']);
    const end = w.events[3]!;
    assert.equal(end.type, 'BOOKMARK');
    assert.equal(end.initialEventsEnd, true);
    assert.equal(end.object.metadata?.resourceVersion, '3');
    assert.deepEqual(end.object.metadata?.annotations, { 'k8s.io/initial-events-end': 'true' });
    await inner.create(key('n', 'd'), cm('n', 'd'));
    await waitFor(() => w.events.length === 5);
    assert.equal(w.events[4]?.type, 'ADDED');
    // Without allowWatchBookmarks kube sends no initial-events-end bookmark; selectors and namespaces apply.
    const plain = await watch(cache, { initialState: true, prefix: `${PREFIX}n/`, filter: (o) => o.metadata?.labels?.app !== 'web' });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(summary(plain.events), ['ADDED b@1', 'ADDED d@4']);
    // A revision the cache cannot reach in time.
    await assert.rejects(cache.watch({ initialState: true, minRevision: 1000, timeoutMs: 50, sink: collector().sink }), TooLargeResourceVersionError);
    // Initial ADDED events of the same object version are shared between watchers.
    const w2 = await watch(cache, { initialState: true });
    await waitFor(() => w2.events.length === 4);
    const w3 = await watch(cache, { initialState: true });
    await waitFor(() => w3.events.length === 4);
    assert.equal(w3.events[0], w2.events[0]);
  });

  it('terminates a watcher that cannot keep up, without blocking the others, and drains in order on resume', async () => {
    const { inner, start } = await setup({ watcherQueueLimit: 10 });
    const cache = await start();
    const stuck = await watch(cache, { fromRevision: cache.revision }, collector(() => false));
    const paused = collector(() => false);
    const slowButOk = await watch(cache, { fromRevision: cache.revision }, paused);
    const fast = await watch(cache, { fromRevision: cache.revision });
    for (let i = 0; i < 5; i++) await inner.create(key('n', `o${i}`), cm('n', `o${i}`));
    await waitFor(() => fast.events.length === 5);
    assert.equal(slowButOk.events.length, 1, 'delivery pauses after the consumer reports congestion');
    // Drain the second one: it resumes in order.
    let open = true;
    paused.sink.event = (ev) => {
      paused.events.push(ev);
      return open;
    };
    slowButOk.handle.resume();
    await waitFor(() => slowButOk.events.length === 5);
    assert.deepEqual(summary(slowButOk.events), summary(fast.events));
    // The stuck one exceeds its queue and is closed without an error event.
    for (let i = 5; i < 20; i++) await inner.create(key('n', `o${i}`), cm('n', `o${i}`));
    await waitFor(() => fast.events.length === 20);
    assert.deepEqual(stuck.closed, { err: undefined });
    assert.equal(stuck.handle.closed, true);
    assert.equal(cache.stats.terminatedWatchers, 1);
    assert.equal(slowButOk.closed, undefined);
    open = false;
    void open;
  });

  it('a throwing filter or sink ends only that watcher', async () => {
    const { inner, ts, start } = await setup();
    const cache = await start();
    const bad = await watch(cache, { fromRevision: cache.revision, filter: () => { throw new Error('boom'); } });
    const badSink = await watch(cache, { fromRevision: cache.revision }, collector(() => { throw new Error('sink boom'); }));
    const good = await watch(cache, { fromRevision: cache.revision });
    await inner.create(key('n', 'a'), cm('n', 'a'));
    await inner.create(key('n', 'b'), cm('n', 'b'));
    await waitFor(() => good.events.length === 2);
    assert.equal(bad.closed?.err?.message, 'boom');
    assert.equal(badSink.closed?.err?.message, 'sink boom');
    assert.equal(ts.watchCalls, 1, 'the storage feed was not disturbed');
    assert.equal(cache.watcherCount, 1);
  });

  it('re-watches seamlessly after a transient storage watch error', async () => {
    const { inner, ts, start } = await setup();
    const cache = await start();
    const w = await watch(cache, { fromRevision: cache.revision });
    await inner.create(key('n', 'a'), cm('n', 'a'));
    await waitFor(() => w.events.length === 1);
    ts.breakWatches();
    await inner.create(key('n', 'b'), cm('n', 'b')); // while disconnected
    await waitFor(() => w.events.length === 2);
    await inner.create(key('n', 'c'), cm('n', 'c'));
    await waitFor(() => w.events.length === 3);
    assert.deepEqual(summary(w.events), ['ADDED a@1', 'ADDED b@2', 'ADDED c@3']);
    assert.equal(ts.watchCalls, 2);
    assert.equal(ts.listCalls, 1);
    assert.equal(w.closed, undefined);
  });

  it('re-lists when its position was compacted away; watchers get 410 and the cache state is right again', async () => {
    const { inner, ts, start } = await setup();
    const cache = await start();
    await inner.create(key('n', 'a'), cm('n', 'a'));
    const b = await inner.create(key('n', 'b'), cm('n', 'b'));
    const w = await watch(cache, { fromRevision: 0 });
    await waitFor(() => w.events.length === 2);
    ts.breakWatches();
    await inner.delete(key('n', 'a'));
    await inner.update(key('n', 'b'), cm('n', 'b', {}, { v: '2' }), b.modRevision);
    await inner.create(key('n', 'c'), cm('n', 'c'));
    const cur = await inner.currentRevision();
    await inner.compact(cur);
    await waitFor(() => w.closed !== undefined);
    assert.ok(w.closed?.err instanceof TooOldResourceVersionError);
    assert.equal(w.closed?.err?.message, `too old resource version: 2 (${cur})`);
    await waitFor(() => cache.isReady() && cache.revision === cur);
    assert.equal(ts.listCalls, 2);
    assert.equal(cache.stats.relists, 1);
    const list = await cache.list({ minRevision: 'consistent' });
    assert.deepEqual(list.items.map((o) => `${o.metadata?.name}:${JSON.stringify(o.data)}`), ['b:{"v":"2"}', 'c:{}']);
    await assert.rejects(cache.watch({ fromRevision: 2, sink: collector().sink }), new RegExp(`too old resource version: 2 \\(${cur}\\)`));
    const w2 = await watch(cache, { fromRevision: cur });
    await inner.create(key('n', 'd'), cm('n', 'd'));
    await waitFor(() => w2.events.length === 1);
  });

  it('after a LIST took their JSON, keeps only the bytes and serves the same objects from them', async () => {
    const { inner, start } = await setup({ fields: (o) => ({ 'data.v': (o.data as Record<string, string> | undefined)?.v ?? '' }) });
    const ra = await inner.create(key('n', 'a'), cm('n', 'a', { app: 'web' }, { v: '\u00e9' }));
    await inner.create(key('n', 'b'), cm('n', 'b', { app: 'db' }));
    await inner.create(key('n', 'c'), cm('n', 'c'));
    const cache = await start();
    const before = (await cache.list()).items.map((o) => structuredClone(o));
    const listed = await cache.list();
    const bytes = listed.entries.map((e) => e.json());
    assert.deepEqual(bytes.map((b) => b.toString()), before.map((o) => JSON.stringify(o)));
    assert.deepEqual(listed.entries.map((e) => [e.apiVersion, e.kind]), before.map(() => ['v1', 'ConfigMap']));
    assert.equal(cache.stats.jsonDecodes, 0);
    // The decoded objects go with the next GC (the cache holds them weakly now).
    await new Promise((r) => setImmediate(r));
    collectGarbage();

    // A selector on metadata alone is answered from what the cache keeps beside the bytes.
    const byLabel = Object.assign((o: KObject) => o.metadata?.labels?.app === 'web', { metadataOnly: true });
    assert.deepEqual((await cache.list({ filter: byLabel })).entries.map((e) => e.key), [key('n', 'a')]);
    const byName = Object.assign((o: KObject) => o.metadata?.name === 'c' && o.metadata.namespace === 'n', { metadataOnly: true });
    assert.deepEqual((await cache.list({ filter: byName })).entries.map((e) => e.key), [key('n', 'c')]);
    assert.equal(cache.stats.jsonDecodes, 0, 'metadata-only selectors decode nothing');
    // A selector on other fields is answered from the fields kept beside the bytes (WatchCacheOptions.fields).
    const byField = Object.assign((o: KObject) => (o.data as Record<string, string> | undefined)?.v === '\u00e9', {
      select: (_labels: unknown, fields: Readonly<Record<string, string>>) => fields['data.v'] === '\u00e9',
    });
    assert.deepEqual((await cache.list({ filter: byField })).entries.map((e) => e.key), [key('n', 'a')]);
    assert.equal(cache.stats.jsonDecodes, 0, 'field selectors on kept fields decode nothing');

    // Reads decode the bytes again (once per object until the next GC) and find the same bytes for output.
    const got = await cache.get(key('n', 'a'));
    assert.deepEqual(got?.object, before[0]);
    assert.ok(Object.isFrozen(got!.object) && Object.isFrozen(got!.object.metadata));
    assert.equal(cache.stats.jsonDecodes, 1);
    assert.equal(cachedJson(got!.object), bytes[0]);
    assert.equal((await cache.get(key('n', 'a')))?.object, got!.object, 'decoded once while in use');
    assert.deepEqual((await cache.list({ filter: (o) => o.metadata?.labels?.app === 'web' })).items, [before[0]]);
    const again = await cache.list();
    assert.equal(again.entries[1]!.json(), bytes[1], 'the kept bytes, not a new encoding');

    // Initial state, selector transitions and updates work from the kept bytes.
    const initial = await watch(cache, { initialState: true });
    await waitFor(() => initial.events.length === 3);
    assert.deepEqual(initial.events.map((e) => e.object), before);
    const web = await watch(cache, { fromRevision: cache.revision, filter: (o) => o.metadata?.labels?.app === 'web' });
    const ra2 = await inner.update(key('n', 'a'), cm('n', 'a', { app: 'db' }), ra.modRevision);
    const rb = await inner.update(key('n', 'b'), cm('n', 'b', { app: 'web' }), before[1]!.metadata!.resourceVersion ? Number(before[1]!.metadata!.resourceVersion) : 0);
    await waitFor(() => web.events.length === 2);
    assert.deepEqual(summary(web.events), [`DELETED a@${ra2.modRevision}`, `ADDED b@${rb.modRevision}`]);
    assert.deepEqual(web.events[0]!.object.data, { v: '\u00e9' }, 'DELETED carries the last matching state, decoded from the bytes');
    assert.deepEqual((await cache.list()).items.map((o) => o.metadata?.labels?.app), ['db', 'web', undefined]);
  });

  it('holds objects the store renders as JSON (encodeStored) as bytes from the start, decoding only where read', async () => {
    let rendered = 0;
    const encodeStored = (kv: KeyValue) => {
      rendered++;
      const o = decode(kv);
      return { bytes: Buffer.from(JSON.stringify(o)), apiVersion: o.apiVersion!, kind: o.kind! };
    };
    const { inner, start } = await setup({ encodeStored });
    await inner.create(key('n', 'a'), cm('n', 'a', { app: 'web' }, { v: '1' }));
    await inner.create(key('n', 'b'), cm('n', 'b', { app: 'db' }));
    const cache = await start();
    const w = await watch(cache, { fromRevision: cache.revision });
    const rc = await inner.create(key('n', 'c'), cm('n', 'c', { app: 'web' }));
    await waitFor(() => w.events.length === 1);
    assert.equal(rendered, 3);
    assert.equal(cache.stats.decodes, 0, 'decode is never called');
    assert.equal(cache.stats.jsonDecodes, 0);
    // A JSON watcher and a JSON LIST copy the rendered bytes.
    const ev = w.events[0]!;
    assert.equal(ev.json()?.toString(), JSON.stringify(decode({ key: key('n', 'c'), value: cm('n', 'c', { app: 'web' }), createRevision: rc.modRevision, modRevision: rc.modRevision })));
    assert.deepEqual([ev.apiVersion, ev.kind], ['v1', 'ConfigMap']);
    const list = await cache.list();
    assert.deepEqual(list.entries.map((e) => JSON.parse(e.json().toString()).metadata.name), ['a', 'b', 'c']);
    assert.equal(list.entries[2]!.json(), ev.json(), 'the event and the LIST share the entry\'s bytes');
    assert.equal(cache.stats.jsonDecodes, 0);
    // Reading the object decodes it (frozen, its bytes known); a selector decodes each object once, then uses what is kept.
    assert.equal(ev.object.metadata?.resourceVersion, String(rc.modRevision));
    assert.ok(Object.isFrozen(ev.object));
    assert.equal(cachedJson(ev.object), ev.json());
    const web = (o: KObject) => o.metadata?.labels?.app === 'web';
    const byLabel = Object.assign(web, { metadataOnly: true });
    assert.deepEqual((await cache.list({ filter: byLabel })).entries.map((e) => e.key), [key('n', 'a'), key('n', 'c')]);
    const decodedOnce = cache.stats.jsonDecodes;
    assert.ok(decodedOnce >= 2 && decodedOnce <= 3, `decodes ${decodedOnce}`);
    assert.deepEqual((await cache.list({ filter: byLabel })).entries.map((e) => e.key), [key('n', 'a'), key('n', 'c')]);
    assert.equal(cache.stats.jsonDecodes, decodedOnce, 'labels kept after the first decode');
    // Deletion carries the last state, rendered from the deleted value.
    const del = await inner.delete(key('n', 'a'));
    await waitFor(() => w.events.length === 2);
    assert.deepEqual(summary(w.events), [`ADDED c@${rc.modRevision}`, `DELETED a@${del.modRevision}`]);
    assert.deepEqual(w.events[1]!.object.data, { v: '1' });
    assert.equal(JSON.parse(w.events[1]!.json()!.toString()).metadata.resourceVersion, String(del.modRevision));
  });

  it('memoize on the event: one encoder call per event per format, not per watcher', async () => {
    const { inner, start } = await setup();
    const cache = await start();
    const calls = new Map<string, number>();
    const encoders = {
      json: (ev: WatchCacheEvent) => JSON.stringify({ type: ev.type, object: ev.object }) + '\n',
      yamlish: (ev: WatchCacheEvent) => `${ev.type}: ${ev.object.metadata?.name}\n`,
    };
    const outputs: string[][] = [];
    const handles: CacheWatchHandle[] = [];
    for (let i = 0; i < 200; i++) {
      const format = i % 2 ? 'json' : 'yamlish';
      const out: string[] = [];
      outputs.push(out);
      handles.push(
        await cache.watch({
          fromRevision: cache.revision,
          bookmarks: false,
          sink: {
            event: (ev) => {
              out.push(
                memoize(ev, format, () => {
                  calls.set(format, (calls.get(format) ?? 0) + 1);
                  return encoders[format](ev);
                }),
              );
            },
            close: () => undefined,
          },
        }),
      );
    }
    const a = await inner.create(key('n', 'a'), cm('n', 'a'));
    await inner.update(key('n', 'a'), cm('n', 'a', {}, { x: 'y' }), a.modRevision);
    await inner.delete(key('n', 'a'));
    await waitFor(() => outputs.every((o) => o.length === 3));
    assert.deepEqual(Object.fromEntries(calls), { json: 3, yamlish: 3 });
    assert.match(outputs[1]![2]!, /^\{"type":"DELETED"/);
    for (const h of handles) h.close();
  });
});
