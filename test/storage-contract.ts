// Backend-agnostic contract tests for the Storage interface. Run them from a backend's own test file:
//   storageContract('sqlite', async () => SqliteStorage.open({ path: ':memory:' }));
// Every test gets a fresh, empty store from `make` and closes it afterwards.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompactedError,
  ConflictError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  type Storage,
  type WatchEvent,
  type Watcher,
} from '../src/storage/interface.js';

interface Collector {
  events: WatchEvent[];
  errors: Error[];
  watcher: Watcher;
  /** Resolves once at least n events arrived (rejects after a timeout). */
  waitFor(n: number, timeoutMs?: number): Promise<WatchEvent[]>;
}

function collect(store: Storage, prefix: string, afterRevision: number): Collector {
  const events: WatchEvent[] = [];
  const errors: Error[] = [];
  let wake: (() => void) | null = null;
  const watcher = store.watch(prefix, {
    afterRevision,
    onEvent: (ev) => {
      events.push(ev);
      wake?.();
    },
    onError: (err) => {
      errors.push(err);
      wake?.();
    },
  });
  return {
    events,
    errors,
    watcher,
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (errors.length > 0) throw errors[0];
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${n} events, got ${events.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 50));
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
      return events;
    },
  };
}

/** Let the backend deliver anything it still has queued. */
function settle(ms = 50): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function summary(ev: WatchEvent): string {
  return `${ev.type} ${ev.kv.key}=${ev.kv.value}@${ev.revision}`;
}

function keys(items: KeyValue[]): string[] {
  return items.map((i) => i.key);
}

export function storageContract(name: string, make: () => Promise<Storage>): void {
  describe(`storage contract: ${name}`, () => {
    let store: Storage;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('basic reads and writes', () => {
      it('starts empty', async () => {
        const rev = await store.currentRevision();
        assert.ok(Number.isInteger(rev) && rev >= 0);
        assert.equal(await store.get('/registry/x'), null);
        const l = await store.list('/registry/');
        assert.deepEqual(l.items, []);
        assert.equal(l.more, false);
        assert.equal(l.revision, rev);
        assert.equal(await store.count('/registry/'), 0);
        assert.ok((await store.compactedRevision()) >= 1);
      });

      it('create assigns a new revision and get returns the value', async () => {
        const before = await store.currentRevision();
        const kv = await store.create('/registry/configmaps/default/a', '{"a":1}');
        assert.equal(kv.key, '/registry/configmaps/default/a');
        assert.equal(kv.value, '{"a":1}');
        assert.ok(kv.modRevision > before);
        assert.equal(kv.createRevision, kv.modRevision);
        assert.equal(await store.currentRevision(), kv.modRevision);
        assert.deepEqual(await store.get(kv.key), kv);
      });

      it('revisions strictly increase across writes', async () => {
        const a = await store.create('/r/a', '1');
        const b = await store.create('/r/b', '1');
        const a2 = await store.update('/r/a', '2', a.modRevision);
        const d = await store.delete('/r/b');
        assert.ok(a.modRevision < b.modRevision);
        assert.ok(b.modRevision < a2.modRevision);
        assert.ok(a2.modRevision < d.modRevision);
        assert.equal(await store.currentRevision(), d.modRevision);
      });

      it('create on an existing key throws KeyExistsError and changes nothing', async () => {
        const kv = await store.create('/r/a', '1');
        await assert.rejects(store.create('/r/a', '2'), KeyExistsError);
        assert.equal(await store.currentRevision(), kv.modRevision);
        assert.deepEqual(await store.get('/r/a'), kv);
      });

      it('update is a compare-and-swap on modRevision', async () => {
        const kv = await store.create('/r/a', '1');
        const up = await store.update('/r/a', '2', kv.modRevision);
        assert.equal(up.value, '2');
        assert.equal(up.createRevision, kv.createRevision);
        assert.ok(up.modRevision > kv.modRevision);
        assert.deepEqual(await store.get('/r/a'), up);

        await assert.rejects(store.update('/r/a', '3', kv.modRevision), (err: unknown) => {
          assert.ok(err instanceof ConflictError);
          assert.equal(err.key, '/r/a');
          assert.equal(err.actualRevision, up.modRevision);
          return true;
        });
        assert.deepEqual(await store.get('/r/a'), up);
        assert.equal(await store.currentRevision(), up.modRevision);
      });

      it('update of a missing key throws KeyNotFoundError', async () => {
        await assert.rejects(store.update('/r/missing', 'x', 1), KeyNotFoundError);
      });

      it('delete returns the last value with the deletion revision', async () => {
        const kv = await store.create('/r/a', 'last');
        const del = await store.delete('/r/a');
        assert.equal(del.key, '/r/a');
        assert.equal(del.value, 'last');
        assert.equal(del.createRevision, kv.createRevision);
        assert.ok(del.modRevision > kv.modRevision);
        assert.equal(await store.currentRevision(), del.modRevision);
        assert.equal(await store.get('/r/a'), null);
        await assert.rejects(store.delete('/r/a'), KeyNotFoundError);
      });

      it('delete with expectedModRevision is a compare-and-swap', async () => {
        const kv = await store.create('/r/a', '1');
        const up = await store.update('/r/a', '2', kv.modRevision);
        await assert.rejects(store.delete('/r/a', kv.modRevision), (err: unknown) => {
          assert.ok(err instanceof ConflictError);
          assert.equal(err.actualRevision, up.modRevision);
          return true;
        });
        assert.deepEqual(await store.get('/r/a'), up);
        const del = await store.delete('/r/a', up.modRevision);
        assert.equal(del.value, '2');
        assert.equal(await store.get('/r/a'), null);
      });

      it('a re-created key gets a new createRevision', async () => {
        const a = await store.create('/r/a', '1');
        await store.delete('/r/a');
        const b = await store.create('/r/a', '2');
        assert.ok(b.createRevision > a.createRevision);
        assert.equal(b.createRevision, b.modRevision);
      });

      it('stores arbitrary text values verbatim', async () => {
        const value = JSON.stringify({ s: 'ünïcødé 😀 \u0000 "quotes" \\ %_' });
        await store.create('/r/v', value);
        assert.equal((await store.get('/r/v'))?.value, value);
        assert.equal(await store.get('/r/V'), null);
      });
    });

    describe('list and count', () => {
      it('lists keys with the prefix sorted by key, without siblings', async () => {
        for (const k of [
          '/registry/pods/ns2/b',
          '/registry/podsecurity/x',
          '/registry/pods/ns1/a',
          '/registry/pods',
          '/registry/pods/ns1/c',
          '/registry/pod/y',
          '/registry/pods0',
        ]) {
          await store.create(k, k);
        }
        const l = await store.list('/registry/pods/');
        assert.deepEqual(keys(l.items), ['/registry/pods/ns1/a', '/registry/pods/ns1/c', '/registry/pods/ns2/b']);
        assert.equal(l.items[0].value, '/registry/pods/ns1/a');
        assert.equal(l.more, false);
        assert.equal(l.revision, await store.currentRevision());
        assert.equal(await store.count('/registry/pods/'), 3);
        assert.equal(await store.count('/registry/pods/ns1/'), 2);
        assert.equal(await store.count('/registry/'), 7);
        assert.deepEqual(keys((await store.list('/registry/pods/ns1/')).items), [
          '/registry/pods/ns1/a',
          '/registry/pods/ns1/c',
        ]);
        // Plain string-prefix semantics: a key equal to the prefix matches.
        assert.deepEqual(keys((await store.list('/registry/pods/ns1/a')).items), ['/registry/pods/ns1/a']);
      });

      it('treats LIKE/GLOB wildcard characters literally', async () => {
        for (const k of ['/a_b/1', '/aXb/1', '/a%b/1', '/a%/1', '/abc/1', '/a*b/1', '/a[b/1']) await store.create(k, '');
        assert.deepEqual(keys((await store.list('/a_b/')).items), ['/a_b/1']);
        assert.deepEqual(keys((await store.list('/a%')).items), ['/a%/1', '/a%b/1']);
        assert.deepEqual(keys((await store.list('/a*b/')).items), ['/a*b/1']);
        assert.deepEqual(keys((await store.list('/a[b/')).items), ['/a[b/1']);
        assert.equal(await store.count('/a_'), 1);
        assert.equal(await store.count('/a%'), 2);
      });

      it('sorts keys bytewise (UTF-8), not by UTF-16 code units', async () => {
        const keysIn = ['/u/\u{1F600}', '/u/\uFFFD', '/u/z', '/u/\u00e9'];
        for (const k of keysIn) await store.create(k, '');
        const got = keys((await store.list('/u/')).items);
        const want = [...keysIn].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        assert.deepEqual(got, want);
        assert.deepEqual(want, ['/u/z', '/u/\u00e9', '/u/\uFFFD', '/u/\u{1F600}']);
        assert.equal(await store.count('/u/\uFFFD'), 1);
      });

      it('an empty prefix lists everything', async () => {
        await store.create('/b', '');
        await store.create('/a', '');
        assert.deepEqual(keys((await store.list('')).items), ['/a', '/b']);
        assert.equal(await store.count(''), 2);
      });

      it('pages with limit, startKey and remaining', async () => {
        const all: string[] = [];
        for (let i = 0; i < 10; i++) {
          const k = `/p/k${String(i).padStart(2, '0')}`;
          all.push(k);
          await store.create(k, String(i));
        }
        await store.create('/q/other', '');
        await store.create('/o/other', '');

        const first = await store.list('/p/', { limit: 3 });
        assert.deepEqual(keys(first.items), all.slice(0, 3));
        assert.equal(first.more, true);
        assert.equal(first.remaining, 7);

        // startKey is inclusive.
        const fromKey = await store.list('/p/', { startKey: all[4], limit: 2 });
        assert.deepEqual(keys(fromKey.items), all.slice(4, 6));
        assert.equal(fromKey.remaining, 4);

        const seen: string[] = [];
        let startKey: string | undefined;
        let pages = 0;
        for (;;) {
          const page = await store.list('/p/', { limit: 4, startKey });
          pages++;
          seen.push(...keys(page.items));
          assert.equal(page.remaining, all.length - seen.length);
          if (!page.more) break;
          startKey = page.items[page.items.length - 1].key + '\u0000';
        }
        assert.equal(pages, 3);
        assert.deepEqual(seen, all);

        const exact = await store.list('/p/', { limit: 10 });
        assert.equal(exact.items.length, 10);
        assert.equal(exact.more, false);
        assert.equal(exact.remaining, 0);

        const big = await store.list('/p/', { limit: 100 });
        assert.equal(big.items.length, 10);
        assert.equal(big.more, false);

        const zero = await store.list('/p/', { limit: 0 });
        assert.equal(zero.items.length, 10);

        // A startKey before the prefix starts at the prefix; one past it yields nothing.
        assert.equal((await store.list('/p/', { startKey: '/a' })).items.length, 10);
        assert.deepEqual((await store.list('/p/', { startKey: '/pz' })).items, []);
      });

      it('lists at a past revision', async () => {
        const a1 = await store.create('/s/a', 'a1'); // r1
        const b1 = await store.create('/s/b', 'b1'); // r2
        const a2 = await store.update('/s/a', 'a2', a1.modRevision); // r3
        const bDel = await store.delete('/s/b'); // r4
        const c1 = await store.create('/s/c', 'c1'); // r5
        const b2 = await store.create('/s/b', 'b2'); // r6 (re-created)
        await store.create('/t/unrelated', 'x');

        const at = async (revision: number) => {
          const l = await store.list('/s/', { revision });
          assert.equal(l.revision, revision);
          return l.items.map((i) => `${i.key}=${i.value}@${i.createRevision}/${i.modRevision}`);
        };
        assert.deepEqual(await at(a1.modRevision), [`/s/a=a1@${a1.modRevision}/${a1.modRevision}`]);
        assert.deepEqual(await at(b1.modRevision), [
          `/s/a=a1@${a1.modRevision}/${a1.modRevision}`,
          `/s/b=b1@${b1.modRevision}/${b1.modRevision}`,
        ]);
        assert.deepEqual(await at(a2.modRevision), [
          `/s/a=a2@${a1.modRevision}/${a2.modRevision}`,
          `/s/b=b1@${b1.modRevision}/${b1.modRevision}`,
        ]);
        assert.deepEqual(await at(bDel.modRevision), [`/s/a=a2@${a1.modRevision}/${a2.modRevision}`]);
        assert.deepEqual(await at(c1.modRevision), [
          `/s/a=a2@${a1.modRevision}/${a2.modRevision}`,
          `/s/c=c1@${c1.modRevision}/${c1.modRevision}`,
        ]);
        assert.deepEqual(await at(b2.modRevision), [
          `/s/a=a2@${a1.modRevision}/${a2.modRevision}`,
          `/s/b=b2@${b2.modRevision}/${b2.modRevision}`,
          `/s/c=c1@${c1.modRevision}/${c1.modRevision}`,
        ]);
        // The current revision given explicitly behaves like a current read.
        const cur = await store.currentRevision();
        const l = await store.list('/s/', { revision: cur });
        assert.equal(l.revision, cur);
        assert.equal(l.items.length, 3);
      });

      it('pages at a past revision', async () => {
        const created: KeyValue[] = [];
        for (let i = 0; i < 8; i++) created.push(await store.create(`/pp/k${i}`, `v${i}`));
        const rev = await store.currentRevision();
        // Churn after the snapshot: delete some, update some, add some.
        await store.delete('/pp/k1');
        await store.update('/pp/k2', 'changed', created[2].modRevision);
        await store.create('/pp/k3a', 'new');
        await store.delete('/pp/k7');

        const seen: string[] = [];
        let startKey: string | undefined;
        for (;;) {
          const page = await store.list('/pp/', { revision: rev, limit: 3, startKey });
          assert.equal(page.revision, rev);
          seen.push(...page.items.map((i) => `${i.key}=${i.value}`));
          assert.equal(page.remaining, 8 - seen.length);
          if (!page.more) break;
          startKey = page.items[page.items.length - 1].key + '\u0000';
        }
        assert.deepEqual(seen, created.map((c) => `${c.key}=${c.value}`));
      });

      it('rejects a revision in the future', async () => {
        await store.create('/f/a', '');
        const cur = await store.currentRevision();
        await assert.rejects(store.list('/f/', { revision: cur + 1000 }));
      });
    });

    describe('watch', () => {
      it('delivers live PUT and DELETE events in order with prevKv', async () => {
        const start = await store.currentRevision();
        const w = collect(store, '/w/', start);
        const a = await store.create('/w/a', '1');
        await store.create('/x/ignored', '1');
        const a2 = await store.update('/w/a', '2', a.modRevision);
        const del = await store.delete('/w/a');
        const evs = await w.waitFor(3);
        await settle();
        assert.equal(evs.length, 3);

        assert.equal(evs[0].type, 'PUT');
        assert.deepEqual(evs[0].kv, a);
        assert.equal(evs[0].prevKv, undefined);
        assert.equal(evs[0].revision, a.modRevision);

        assert.equal(evs[1].type, 'PUT');
        assert.deepEqual(evs[1].kv, a2);
        assert.deepEqual(evs[1].prevKv, a);
        assert.equal(evs[1].revision, a2.modRevision);

        assert.equal(evs[2].type, 'DELETE');
        assert.equal(evs[2].kv.key, '/w/a');
        assert.equal(evs[2].kv.value, '2');
        assert.equal(evs[2].kv.modRevision, del.modRevision);
        assert.equal(evs[2].revision, del.modRevision);
        assert.deepEqual(evs[2].prevKv, a2);
        w.watcher.close();
      });

      it('does not deliver events synchronously', async () => {
        await store.create('/w/a', '1');
        let calls = 0;
        const watcher = store.watch('/w/', {
          afterRevision: 0,
          onEvent: () => {
            calls++;
          },
        });
        assert.equal(calls, 0);
        const p = store.create('/w/b', '1');
        assert.equal(calls, 0);
        await p;
        // Backends deliver asynchronously; etcd replays history on its own schedule (~100 ms).
        for (let i = 0; i < 100 && calls < 2; i++) await settle();
        assert.equal(calls, 2);
        watcher.close();
      });

      it('replays history and then continues live without gaps or duplicates', async () => {
        const r: number[] = [];
        const a = await store.create('/h/a', '1');
        r.push(a.modRevision);
        const b = await store.create('/h/b', '1');
        r.push(b.modRevision);
        const a2 = await store.update('/h/a', '2', a.modRevision);
        r.push(a2.modRevision);
        await store.create('/other/x', '1');
        const bd = await store.delete('/h/b');
        r.push(bd.modRevision);

        // Watch from after the first write; more writes start before the replay is delivered.
        const w = collect(store, '/h/', a.modRevision);
        const c = await store.create('/h/c', '1');
        const a3 = await store.update('/h/a', '3', a2.modRevision);
        r.push(c.modRevision, a3.modRevision);
        const d = await store.create('/h/d', '1');
        r.push(d.modRevision);

        const evs = await w.waitFor(r.length - 1);
        await settle();
        assert.deepEqual(
          evs.map((e) => e.revision),
          r.slice(1),
        );
        assert.deepEqual(evs.map(summary), [
          `PUT /h/b=1@${b.modRevision}`,
          `PUT /h/a=2@${a2.modRevision}`,
          `DELETE /h/b=1@${bd.modRevision}`,
          `PUT /h/c=1@${c.modRevision}`,
          `PUT /h/a=3@${a3.modRevision}`,
          `PUT /h/d=1@${d.modRevision}`,
        ]);
        // Replayed events carry prevKv like live ones.
        assert.deepEqual(evs[1].prevKv, a);
        assert.equal(evs[1].kv.createRevision, a.createRevision);
        assert.equal(evs[2].prevKv?.value, '1');
        assert.equal(evs[2].prevKv?.modRevision, b.modRevision);
        assert.equal(evs[0].prevKv, undefined);
        w.watcher.close();
      });

      it('replays everything from revision 0', async () => {
        await store.create('/z/a', '1');
        await store.create('/z/b', '1');
        const w = collect(store, '/z/', 0);
        const evs = await w.waitFor(2);
        await settle();
        assert.deepEqual(
          evs.map((e) => e.kv.key),
          ['/z/a', '/z/b'],
        );
        w.watcher.close();
      });

      it('does not match sibling prefixes', async () => {
        const start = await store.currentRevision();
        const w = collect(store, '/registry/pods/', start);
        await store.create('/registry/podsecurity/a', '');
        await store.create('/registry/pods', '');
        await store.create('/registry/pods/ns/a', '');
        const evs = await w.waitFor(1);
        await settle();
        assert.deepEqual(
          evs.map((e) => e.kv.key),
          ['/registry/pods/ns/a'],
        );
        w.watcher.close();
      });

      it('delivers to every watcher whose prefix matches: nested, partial-name and empty prefixes', async () => {
        const start = await store.currentRevision();
        const prefixes = ['/n/', '/n/ns/', '/n/ns/ab', '/n/ns/x', '/n/other/', ''];
        const ws = prefixes.map((p) => collect(store, p, start));
        await store.create('/n/ns/abc', '');
        await store.create('/n/ns2/a', '');
        await store.create('/n/other/b', '');
        // Each watcher's expected events (etcd: each is a stream of its own, and one may lag behind another),
        // then a moment for any it should not get.
        for (const [i, n] of [[0, 3], [1, 1], [2, 1], [4, 1], [5, 3]] as const) await ws[i]!.waitFor(n);
        await settle();
        const got = ws.map((w) => w.events.map((e) => e.kv.key).filter((k) => k.startsWith('/n/')));
        assert.deepEqual(got, [
          ['/n/ns/abc', '/n/ns2/a', '/n/other/b'],
          ['/n/ns/abc'],
          ['/n/ns/abc'],
          [],
          ['/n/other/b'],
          ['/n/ns/abc', '/n/ns2/a', '/n/other/b'],
        ]);
        for (const w of ws) w.watcher.close();
      });

      it('stops after close and other watchers continue', async () => {
        const start = await store.currentRevision();
        const w1 = collect(store, '/c/', start);
        const w2 = collect(store, '/c/', start);
        await store.create('/c/a', '');
        await w1.waitFor(1);
        await w2.waitFor(1);
        w1.watcher.close();
        w1.watcher.close();
        await store.create('/c/b', '');
        await w2.waitFor(2);
        await settle();
        assert.equal(w1.events.length, 1);
        assert.equal(w2.events.length, 2);
        w2.watcher.close();
      });

      it('gives many watchers the same ordered stream', async () => {
        const start = await store.currentRevision();
        const ws = Array.from({ length: 50 }, (_, i) => collect(store, i % 2 === 0 ? '/m/' : '/m/x', start));
        const revs: number[] = [];
        for (let i = 0; i < 20; i++) revs.push((await store.create(`/m/x${i}`, String(i))).modRevision);
        await store.create('/m/y', '');
        for (const [i, w] of ws.entries()) {
          await w.waitFor(i % 2 === 0 ? 21 : 20);
          assert.deepEqual(
            w.events.slice(0, 20).map((e) => e.revision),
            revs,
          );
        }
        await settle();
        for (const [i, w] of ws.entries()) assert.equal(w.events.length, i % 2 === 0 ? 21 : 20);
        for (const w of ws) w.watcher.close();
      });

      it('watching from a future revision skips events up to it', async () => {
        const start = await store.currentRevision();
        const w = collect(store, '/fut/', start + 2);
        const revs: number[] = [];
        for (let i = 0; i < 4; i++) revs.push((await store.create(`/fut/${i}`, '')).modRevision);
        const want = revs.filter((r) => r > start + 2);
        await w.waitFor(want.length);
        await settle();
        assert.deepEqual(
          w.events.map((e) => e.revision),
          want,
        );
        w.watcher.close();
      });
    });

    describe('expiry (ttlSeconds)', () => {
      it('deletes a key written with a TTL once it passes, as a DELETE watchers see; a later write without one keeps its key', async () => {
        const start = await store.currentRevision();
        const w = collect(store, '/ttl/', start);
        const t0 = Date.now();
        const short = await store.create('/ttl/short', 's1', { ttlSeconds: 2 });
        const kept = await store.create('/ttl/kept', 'k1', { ttlSeconds: 2 });
        await store.create('/ttl/plain', 'p1');
        const renewed = await store.create('/ttl/renewed', 'r1', { ttlSeconds: 2 });
        const keptNoTtl = await store.update('/ttl/kept', 'k2', kept.modRevision);
        await store.update('/ttl/renewed', 'r2', renewed.modRevision, { ttlSeconds: 30 });
        assert.equal((await store.get('/ttl/short'))?.value, 's1');

        const events = await w.waitFor(7, 10000);
        const elapsed = Date.now() - t0;
        const del = events[6]!;
        assert.equal(summary(del).replace(/@\d+$/, ''), 'DELETE /ttl/short=s1');
        assert.equal(del.prevKv?.value, 's1');
        assert.equal(del.prevKv?.modRevision, short.modRevision);
        assert.ok(del.revision > keptNoTtl.modRevision);
        assert.ok(elapsed >= 1900, `expired after ${elapsed} ms`);
        assert.equal(await store.get('/ttl/short'), null);
        assert.deepEqual(keys((await store.list('/ttl/')).items), ['/ttl/kept', '/ttl/plain', '/ttl/renewed']);
        // The key updated without a TTL outlives the TTL it was created with.
        await settle(1000);
        assert.deepEqual(keys((await store.list('/ttl/')).items), ['/ttl/kept', '/ttl/plain', '/ttl/renewed']);
        assert.equal(w.events.length, 7, w.events.map(summary).join('\n'));
        w.watcher.close();
      });
    });

    describe('compaction', () => {
      it('drops history but keeps current values and later revisions readable', async () => {
        const a1 = await store.create('/k/a', 'a1');
        const b1 = await store.create('/k/b', 'b1');
        const a2 = await store.update('/k/a', 'a2', a1.modRevision);
        const c1 = await store.create('/k/c', 'c1');
        await store.delete('/k/c');
        const d1 = await store.create('/k/d', 'd1');
        const mark = await store.currentRevision();
        // Writes after the compaction point that supersede values from before it.
        const b2 = await store.update('/k/b', 'b2', b1.modRevision);
        const dDel = await store.delete('/k/d');
        const e1 = await store.create('/k/e', 'e1');

        await store.compact(mark);
        assert.equal(await store.compactedRevision(), mark + 1);

        await assert.rejects(store.list('/k/', { revision: a2.modRevision }), CompactedError);
        await assert.rejects(store.list('/k/', { revision: mark }), (err: unknown) => {
          assert.ok(err instanceof CompactedError);
          assert.equal(err.requested, mark);
          return true;
        });

        const atB2 = await store.list('/k/', { revision: b2.modRevision });
        assert.deepEqual(
          atB2.items.map((i) => `${i.key}=${i.value}@${i.modRevision}`),
          [`/k/a=a2@${a2.modRevision}`, `/k/b=b2@${b2.modRevision}`, `/k/d=d1@${d1.modRevision}`],
        );
        const atDel = await store.list('/k/', { revision: dDel.modRevision });
        assert.deepEqual(keys(atDel.items), ['/k/a', '/k/b']);
        const now = await store.list('/k/');
        assert.deepEqual(
          now.items.map((i) => `${i.key}=${i.value}`),
          ['/k/a=a2', '/k/b=b2', '/k/e=e1'],
        );
        assert.deepEqual(await store.get('/k/a'), a2);
        assert.equal(await store.count('/k/'), 3);
        assert.ok(c1.modRevision < mark);

        // Watch exactly from the compacted revision still works and carries prevKv from before it.
        const w = collect(store, '/k/', mark);
        const evs = await w.waitFor(3);
        await settle();
        assert.deepEqual(evs.map(summary), [
          `PUT /k/b=b2@${b2.modRevision}`,
          `DELETE /k/d=d1@${dDel.modRevision}`,
          `PUT /k/e=e1@${e1.modRevision}`,
        ]);
        assert.deepEqual(evs[0].prevKv, b1);
        assert.deepEqual(evs[1].prevKv, d1);
        w.watcher.close();

        // Writes continue normally after compaction.
        const a3 = await store.update('/k/a', 'a3', a2.modRevision);
        assert.ok(a3.modRevision > e1.modRevision);
      });

      it('refuses to watch from below the compacted revision', async () => {
        await store.create('/wc/a', '1');
        await store.create('/wc/b', '1');
        const mark = await store.currentRevision();
        await store.create('/wc/c', '1');
        await store.compact(mark);
        let thrown: unknown = null;
        const errors: Error[] = [];
        let watcher: Watcher | null = null;
        try {
          watcher = store.watch('/wc/', { afterRevision: mark - 1, onEvent: () => undefined, onError: (e) => errors.push(e) });
        } catch (err) {
          thrown = err;
        }
        if (thrown === null) {
          // Backends that learn about compaction asynchronously report it through onError.
          for (let i = 0; i < 100 && errors.length === 0; i++) await settle(20);
          thrown = errors[0];
        }
        assert.ok(thrown instanceof CompactedError, `expected CompactedError, got ${String(thrown)}`);
        watcher?.close();
      });

      it('compacting again at or below the compacted revision is harmless', async () => {
        await store.create('/cc/a', '1');
        const r = await store.currentRevision();
        await store.create('/cc/b', '1');
        await store.compact(r);
        const after = await store.compactedRevision();
        await store.compact(r).catch((err: unknown) => assert.ok(err instanceof CompactedError));
        assert.equal(await store.compactedRevision(), after);
        assert.equal(await store.count('/cc/'), 2);
      });

      it('matches a model across random writes and compactions', async () => {
        // Seeded LCG so failures reproduce.
        let seed = 12345;
        const rnd = (n: number) => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return seed % n;
        };
        const model = new Map<string, KeyValue>();
        const snapshots = new Map<number, string[]>();
        const snap = () =>
          [...model.values()]
            .sort((x, y) => Buffer.compare(Buffer.from(x.key), Buffer.from(y.key)))
            .map((kv) => `${kv.key}=${kv.value}@${kv.createRevision}/${kv.modRevision}`);
        const start = await store.currentRevision();
        const w = collect(store, '/rnd/', start);
        let writes = 0;
        let compactedTo = 0;
        for (let step = 0; step < 300; step++) {
          const key = `/rnd/${rnd(12)}`;
          const cur = model.get(key);
          const op = rnd(10);
          let kv: KeyValue;
          if (!cur) {
            kv = await store.create(key, `v${step}`);
            model.set(key, kv);
          } else if (op < 6) {
            kv = await store.update(key, `v${step}`, cur.modRevision);
            model.set(key, kv);
          } else {
            kv = await store.delete(key, cur.modRevision);
            model.delete(key);
          }
          writes++;
          snapshots.set(kv.modRevision, snap());
          if (step % 40 === 39) {
            const revs = [...snapshots.keys()];
            const at = Math.floor(revs.length * 0.6);
            const target = revs[at];
            if (target > compactedTo) {
              // Compact only history the watch has delivered (kube's compactor trails by an interval): a watch
              // still behind the compacted revision is ended as too old, by etcd as by kube, which is not
              // what this test checks (on a busy machine etcd's watch stream can lag a few writes).
              await w.waitFor(at + 1);
              await store.compact(target);
              compactedTo = target;
            }
          }
        }
        for (const [rev, want] of snapshots) {
          if (rev <= compactedTo) {
            await assert.rejects(store.list('/rnd/', { revision: rev }), CompactedError);
            continue;
          }
          const got = await store.list('/rnd/', { revision: rev });
          assert.deepEqual(
            got.items.map((kv) => `${kv.key}=${kv.value}@${kv.createRevision}/${kv.modRevision}`),
            want,
            `list at revision ${rev}`,
          );
          const firstPage = await store.list('/rnd/', { revision: rev, limit: 2 });
          assert.equal(firstPage.remaining, Math.max(0, want.length - 2));
        }
        const evs = await w.waitFor(writes);
        assert.deepEqual(
          evs.map((e) => e.revision),
          [...snapshots.keys()],
        );
        w.watcher.close();
      });
    });
  });
}
