// The storage contract and etcd specifics, against a real etcd started by test/helpers/etcd.ts.
// etcd must be installed (Debian: apt-get install -y etcd-server etcd-client): without it these tests
// fail, they do not skip.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { CompactedError, ConflictError, KeyExistsError, KeyNotFoundError, type WatchEvent } from '../src/storage/interface.js';
import { EtcdStorage, FutureRevisionError } from '../src/storage/etcd.js';
import { storageContract } from './storage-contract.js';
import { startEtcd, type EtcdCluster } from './helpers/etcd.js';

let single: EtcdCluster | null = null;
let startError: unknown = null;
try {
  single = await startEtcd();
} catch (err) {
  startError = err;
}
after(async () => {
  await single?.stop();
});

function endpoints(): string[] {
  if (single === null) {
    throw new Error(`etcd could not be started: ${startError instanceof Error ? startError.message : String(startError)}`);
  }
  return single.endpoints;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

let nsCounter = 0;
/** A store on the shared etcd with its own key namespace, so every test starts from an empty keyspace. */
function freshStore(): Promise<EtcdStorage> {
  return EtcdStorage.open({ endpoints: endpoints(), prefix: `/test-${process.pid}-${nsCounter++}` });
}

it('etcd is installed and starts', () => {
  endpoints();
});

storageContract('etcd', freshStore);

describe('etcd storage specifics', () => {
  it('a lease revoked behind its back: TTL writes get a new lease, and writes batched with them do not fail', async () => {
    const s = await freshStore();
    const raw = new Etcd3({ hosts: endpoints() });
    try {
      await s.create('/revoked/first', 'v', { ttlSeconds: 600 });
      const leases = (await raw.leaseClient.leaseLeases({})).leases.map((l) => l.ID);
      for (const id of leases) {
        const ttl = await raw.leaseClient.leaseTimeToLive({ ID: id, keys: true });
        if (ttl.keys.some((k) => k.toString().endsWith('/revoked/first'))) await raw.leaseClient.leaseRevoke({ ID: id });
      }
      assert.equal(await s.get('/revoked/first'), null, 'revoking the lease deletes its key');
      // Enough at once that they queue up into shared transactions.
      const writes = Array.from({ length: 40 }, (_, i) => s.create(`/revoked/${i}`, 'v', i % 2 ? { ttlSeconds: 600 } : undefined));
      const results = await Promise.allSettled(writes);
      assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
      assert.equal(await s.count('/revoked/'), 40);
      const withTtl = await raw.getAll().prefix(`/test-`).keys();
      assert.ok(withTtl.length >= 40);
      const now = (await raw.leaseClient.leaseLeases({})).leases.map((l) => l.ID).filter((id) => !leases.includes(id));
      assert.equal(now.length, 1, 'one new lease');
      const attached = (await raw.leaseClient.leaseTimeToLive({ ID: now[0]!, keys: true })).keys.length;
      assert.equal(attached, 20);
      await raw.leaseClient.leaseRevoke({ ID: now[0]! });
    } finally {
      raw.close();
      await s.close();
    }
  });

  it('keys written with a TTL share leases as kube-apiserver\'s lease manager does: one per 1,000 keys, granted for ttl + min(5% ttl, 60 s)', async () => {
    const s = await freshStore();
    const raw = new Etcd3({ hosts: endpoints() });
    try {
      const before = new Set((await raw.leaseClient.leaseLeases({})).leases.map((l) => l.ID));
      await Promise.all(Array.from({ length: 1001 }, (_, i) => s.create(`/lease/${i}`, 'v', { ttlSeconds: 600 })));
      const fresh = (await raw.leaseClient.leaseLeases({})).leases.map((l) => l.ID).filter((id) => !before.has(id));
      assert.equal(fresh.length, 2, `leases granted: ${fresh.length}`);
      for (const id of fresh) {
        const ttl = await raw.leaseClient.leaseTimeToLive({ ID: id, keys: true });
        assert.ok(Number(ttl.grantedTTL) === 630, `granted TTL ${ttl.grantedTTL}`);
      }
      const attached = await Promise.all(fresh.map(async (id) => (await raw.leaseClient.leaseTimeToLive({ ID: id, keys: true })).keys.length));
      assert.deepEqual(attached.sort((a, b) => a - b), [1, 1000]);
      // A write without a TTL detaches its key.
      const kv = (await s.get('/lease/0'))!;
      await s.update('/lease/0', 'v2', kv.modRevision);
      const after = await Promise.all(fresh.map(async (id) => (await raw.leaseClient.leaseTimeToLive({ ID: id, keys: true })).keys.length));
      assert.equal(after.reduce((a, b) => a + b, 0), 1000);
      for (const id of fresh) await raw.leaseClient.leaseRevoke({ ID: id });
      // kube's --lease-reuse-duration-seconds caps the extra: 10 s instead of 5% of 600 s.
      const capped = await EtcdStorage.open({ endpoints: endpoints(), prefix: `/test-${process.pid}-${nsCounter++}`, leaseReuseSeconds: 10 });
      try {
        const known = new Set((await raw.leaseClient.leaseLeases({})).leases.map((l) => l.ID));
        await capped.create('/lease/capped', 'v', { ttlSeconds: 600 });
        const mine = (await raw.leaseClient.leaseLeases({})).leases.map((l) => l.ID).filter((id) => !known.has(id));
        assert.equal(mine.length, 1);
        assert.equal(Number((await raw.leaseClient.leaseTimeToLive({ ID: mine[0]!, keys: false })).grantedTTL), 610);
        await raw.leaseClient.leaseRevoke({ ID: mine[0]! });
      } finally {
        await capped.close();
      }
    } finally {
      raw.close();
      await s.close();
    }
  });

  it('rejects reads and compactions at future revisions with FutureRevisionError', async () => {
    const s = await freshStore();
    try {
      await s.create('/a', '');
      const cur = await s.currentRevision();
      await assert.rejects(s.list('/', { revision: cur + 100 }), FutureRevisionError);
      await assert.rejects(s.compact(cur + 100), FutureRevisionError);
    } finally {
      await s.close();
    }
  });

  it('reports compaction to reads, watches and other clients', async () => {
    const s = await freshStore();
    const other = await freshStore();
    try {
      const a = await s.create('/c/a', '1');
      await s.update('/c/a', '2', a.modRevision);
      const mark = await s.currentRevision();
      const b = await s.create('/c/b', '1');
      await s.compact(mark);
      assert.equal(await s.compactedRevision(), mark + 1);
      // Another client learns it from compact_rev_key.
      assert.equal(await other.compactedRevision(), mark + 1);

      await assert.rejects(s.list('/c/', { revision: a.modRevision }), (err: unknown) => {
        assert.ok(err instanceof CompactedError);
        assert.equal(err.requested, a.modRevision);
        return true;
      });
      assert.equal((await s.list('/c/', { revision: b.modRevision })).items.length, 2);
      // This process knows: synchronous throw.
      assert.throws(() => s.watch('/c/', { afterRevision: a.modRevision, onEvent: () => undefined }), CompactedError);

      // Compaction done behind our back (etcdctl, auto-compaction): found by the probe, reported by watches.
      const raw = new Etcd3({ hosts: endpoints() });
      const c = await s.create('/c/c', '1');
      await s.create('/c/d', '1');
      await raw.kv.compact({ revision: c.modRevision + 1 });
      raw.close();
      const fresh = await freshStore();
      try {
        assert.equal(await fresh.compactedRevision(), c.modRevision + 2);
      } finally {
        await fresh.close();
      }
      const third = await freshStore();
      try {
        const errors: Error[] = [];
        const events: WatchEvent[] = [];
        third.watch('/c/', { afterRevision: b.modRevision, onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
        for (let i = 0; i < 100 && errors.length === 0; i++) await sleep(20);
        assert.equal(events.length, 0);
        assert.ok(errors[0] instanceof CompactedError, `expected CompactedError, got ${String(errors[0])}`);
        assert.equal(errors[0].compacted, c.modRevision + 1);
        assert.equal(await third.compactedRevision(), c.modRevision + 2);
      } finally {
        await third.close();
      }
      // compact() below what etcd has is harmless.
      await s.compact(mark);
      assert.equal(await s.count('/c/'), 4);
    } finally {
      await s.close();
      await other.close();
    }
  });

  it('keeps compact_rev_key out of lists, counts and watches without a namespace', async () => {
    const own = await startEtcd();
    const s = await EtcdStorage.open({ endpoints: own.endpoints });
    try {
      const events: WatchEvent[] = [];
      s.watch('', { afterRevision: 0, onEvent: (e) => events.push(e) });
      await s.create('/registry/a', '1');
      await s.create('a1', '1'); // sorts before compact_rev_key
      await s.create('d', '1'); // and these after it
      await s.create('z', '1');
      await s.compact(await s.currentRevision());
      const last = await s.create('/registry/b', '1');
      assert.deepEqual(
        (await s.list('')).items.map((kv) => kv.key),
        ['/registry/a', '/registry/b', 'a1', 'd', 'z'],
      );
      assert.equal(await s.count(''), 5);
      assert.equal(await s.count('c'), 0);
      const page = await s.list('', { limit: 3 });
      assert.deepEqual(page.items.map((kv) => kv.key), ['/registry/a', '/registry/b', 'a1']);
      assert.equal(page.remaining, 2);
      const page2 = await s.list('', { limit: 3, startKey: 'a1\u0000' });
      assert.deepEqual(page2.items.map((kv) => kv.key), ['d', 'z']);
      assert.equal(page2.more, false);
      const page3 = await s.list('', { limit: 1, startKey: 'a1\u0000' });
      assert.deepEqual(page3.items.map((kv) => kv.key), ['d']);
      assert.equal(page3.remaining, 1);
      const page4 = await s.list('', { limit: 4 });
      assert.equal(page4.items.length, 4);
      assert.equal(page4.remaining, 1);
      for (let i = 0; i < 100 && events.length < 5; i++) await sleep(20);
      await sleep(50);
      assert.deepEqual(
        events.map((e) => e.kv.key),
        ['/registry/a', 'a1', 'd', 'z', '/registry/b'],
      );
      assert.equal(events[4].revision, last.modRevision);
    } finally {
      await s.close();
      await own.stop();
    }
  });

  it('sends progress notifications to idle watchers', async () => {
    const s = await freshStore();
    try {
      await s.create('/p/x', '');
      const progress: number[] = [];
      const events: number[] = [];
      const w = s.watch('/q/', {
        afterRevision: await s.currentRevision(),
        onEvent: (ev) => events.push(ev.revision),
        onProgress: (r) => progress.push(r),
      });
      for (let i = 0; i < 100 && progress.length === 0; i++) await sleep(50);
      assert.ok(progress.length >= 1, 'no progress notification within 5 s');
      const y = await s.create('/p/y', '');
      const n = progress.length;
      for (let i = 0; i < 100 && (progress.length === n || progress[progress.length - 1] < y.modRevision); i++) await sleep(50);
      assert.ok(progress[progress.length - 1] >= y.modRevision);
      assert.deepEqual(events, []);
      w.close();
    } finally {
      await s.close();
    }
  });

  it('stops watchers with an error on close and rejects later calls', async () => {
    const s = await freshStore();
    const errors: Error[] = [];
    s.watch('/', { afterRevision: 0, onEvent: () => undefined, onError: (e) => errors.push(e) });
    await s.close();
    assert.equal(errors.length, 1);
    await assert.rejects(s.get('/a'));
    await s.close();
  });

  it('groups concurrent writes into shared transactions and still answers each write on its own', async () => {
    const s = await freshStore();
    try {
      const taken = await s.create('/g/taken', 'old');
      const events: WatchEvent[] = [];
      s.watch('/g/', { afterRevision: taken.modRevision, onEvent: (e) => events.push(e) });
      // 200 writes at once: creates (one of an existing key, two of the same new key), CAS updates with a
      // stale and a fresh revision, deletes of an absent and a present key.
      const x = await s.create('/g/x', '1');
      const y = await s.create('/g/y', '1');
      const z = await s.create('/g/z', '1');
      const results = await Promise.allSettled([
        ...Array.from({ length: 190 }, (_, i) => s.create(`/g/n${i}`, `v${i}`)),
        s.create('/g/taken', 'new'),
        s.create('/g/dup', 'a'),
        s.create('/g/dup', 'b'),
        s.update('/g/x', '2', x.modRevision - 1),
        s.update('/g/y', '2', y.modRevision),
        s.delete('/g/absent'),
        s.delete('/g/z', z.modRevision),
      ]);
      const rejected = (i: number, cls: Function) => {
        const r = results[i]!;
        assert.equal(r.status, 'rejected', `write ${i}`);
        assert.ok((r as PromiseRejectedResult).reason instanceof cls, String((r as PromiseRejectedResult).reason));
      };
      for (let i = 0; i < 190; i++) assert.equal(results[i]!.status, 'fulfilled', `create ${i}`);
      rejected(190, KeyExistsError);
      assert.deepEqual(results.slice(191, 193).map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      rejected(193, ConflictError);
      assert.equal(results[194]!.status, 'fulfilled');
      rejected(195, KeyNotFoundError);
      assert.equal(results[196]!.status, 'fulfilled');

      const revs = new Set(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ modRevision: number }>).value.modRevision));
      assert.ok(revs.size < 150, `writes were batched (${revs.size} revisions for 194 writes)`);
      assert.equal((await s.get('/g/taken'))?.value, 'old');
      assert.equal((await s.get('/g/y'))?.value, '2');
      assert.equal(await s.get('/g/z'), null);
      assert.equal((await s.list('/g/')).items.length, 194); // taken, dup, x, y, n0..n189
      // The watch sees every write once, in revision order.
      const deadline = Date.now() + 5000;
      while (events.length < 196 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(events.length, 196); // x, y, z, 190 creates, one dup, the update of y, the delete of z
      assert.ok(events.every((e, i) => i === 0 || e.revision >= events[i - 1]!.revision));
    } finally {
      await s.close();
    }
  });

  it('lists 10k x 1 KB objects (over gRPC\'s 4 MiB default) and pages through them', async () => {
    const s = await freshStore();
    try {
      const value = JSON.stringify({ data: 'x'.repeat(1000) });
      const n = 10000;
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < n) {
            const i = next++;
            await s.create(`/big/${String(i).padStart(6, '0')}`, value);
          }
        }),
      );
      const putSecs = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const all = await s.list('/big/');
      const listMs = performance.now() - t1;
      assert.equal(all.items.length, n);
      assert.ok(all.items.reduce((sum, kv) => sum + kv.value.length, 0) > 4 * 1024 * 1024);
      assert.equal(all.more, false);

      let seen = 0;
      let startKey: string | undefined;
      for (;;) {
        const page = await s.list('/big/', { limit: 500, startKey, revision: all.revision });
        seen += page.items.length;
        assert.equal(page.remaining, n - seen);
        if (!page.more) break;
        startKey = page.items[page.items.length - 1].key + '\u0000';
      }
      assert.equal(seen, n);
      assert.equal(await s.count('/big/'), n);

      // Informal throughput figures.
      const t2 = performance.now();
      let gi = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (gi < 5000) {
            const i = gi++;
            assert.ok((await s.get(`/big/${String(i).padStart(6, '0')}`)) !== null);
          }
        }),
      );
      const getSecs = (performance.now() - t2) / 1000;
      const t3 = performance.now();
      for (let i = 0; i < 500; i++) await s.create(`/seq/${i}`, value);
      const seqSecs = (performance.now() - t3) / 1000;
      console.log(
        `# etcd: ${Math.round(n / putSecs)} puts/s (64 in flight), ${Math.round(500 / seqSecs)} puts/s (1 in flight), ` +
          `${Math.round(5000 / getSecs)} gets/s (32 in flight), list 10k x 1 KB in ${Math.round(listMs)} ms`,
      );
    } finally {
      await s.close();
    }
  });
});

describe('etcd storage on a 3-member cluster', () => {
  let cluster: EtcdCluster;
  before(async () => {
    cluster = await startEtcd({ members: 3 });
  });
  after(async () => {
    await cluster?.stop();
  });

  /** Index of the current leader, asked of each member directly. */
  async function leaderIndex(eps: string[]): Promise<number> {
    for (const ep of eps) {
      const c = new Etcd3({ hosts: [ep] });
      try {
        const st = await c.maintenance.status();
        for (let i = 0; i < eps.length; i++) {
          const ci = new Etcd3({ hosts: [eps[i]] });
          try {
            const si = await ci.maintenance.status();
            if (si.header.member_id === st.leader) return i;
          } finally {
            ci.close();
          }
        }
      } catch {
        // try the next member
      } finally {
        c.close();
      }
    }
    throw new Error('no leader found');
  }

  it('keeps writes, reads and watches working when the leader is killed', async () => {
    const s = await EtcdStorage.open({ endpoints: cluster.endpoints, prefix: '/failover' });
    try {
      const events: WatchEvent[] = [];
      const errors: Error[] = [];
      const start = await s.currentRevision();
      // Several watchers so that some have their stream on the member that dies.
      const watchers = Array.from({ length: 6 }, (_, i) => {
        const mine: WatchEvent[] = i === 0 ? events : [];
        return {
          events: mine,
          w: s.watch('/k/', { afterRevision: start, onEvent: (e) => mine.push(e), onError: (e) => errors.push(e) }),
        };
      });
      const written: number[] = [];
      for (let i = 0; i < 50; i++) written.push((await s.create(`/k/${String(i).padStart(3, '0')}`, `v${i}`)).modRevision);

      const leader = await leaderIndex(cluster.endpoints);
      const t0 = performance.now();
      await cluster.killMember(leader);
      // Writes (CAS updates included), reads and lists right after the kill.
      let worst = 0;
      for (let i = 50; i < 150; i++) {
        const t = performance.now();
        const kv = await s.create(`/k/${String(i).padStart(3, '0')}`, `v${i}`);
        written.push(kv.modRevision);
        const up = await s.update(kv.key, `u${i}`, kv.modRevision);
        written.push(up.modRevision);
        assert.equal((await s.get(kv.key))?.value, `u${i}`);
        worst = Math.max(worst, performance.now() - t);
      }
      await assert.rejects(s.create('/k/000', 'dup'), KeyExistsError);
      await assert.rejects(s.update('/k/000', 'x', 1), ConflictError);
      const l = await s.list('/k/');
      assert.equal(l.items.length, 150);
      assert.equal(await s.count('/k/'), 150);
      console.log(
        `# failover: killed leader m${leader}; 100 create+update+get rounds in ${Math.round(performance.now() - t0)} ms ` +
          `(slowest round ${Math.round(worst)} ms)`,
      );

      // Every watcher saw every event exactly once, in order.
      const deadline = Date.now() + 15000;
      while (Date.now() < deadline && watchers.some((x) => x.events.length < written.length) && errors.length === 0) {
        await sleep(50);
      }
      assert.deepEqual(errors, []);
      for (const x of watchers) {
        assert.deepEqual(
          x.events.map((e) => e.revision),
          written,
        );
      }
      assert.equal(events[1].type, 'PUT');
      assert.equal(events[51].prevKv?.value, 'v50');
      for (const x of watchers) x.w.close();

      // A new watch (on a surviving member) replays from before the kill.
      const replay: WatchEvent[] = [];
      const w = s.watch('/k/', { afterRevision: start, onEvent: (e) => replay.push(e) });
      for (let i = 0; i < 200 && replay.length < written.length; i++) await sleep(25);
      assert.equal(replay.length, written.length);
      w.close();
    } finally {
      await s.close();
    }
  });
});
