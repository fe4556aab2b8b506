// The watches clients build on (kubectl get -w / wait / rollout status, the @kubernetes/client-node informer,
// the Python client's Watch) and their resumption across a server restart, as one suite that each storage
// backend's test file runs against its own server: the acceptance is "on SQLite and on etcd".
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { RunningServer } from '../../src/index.js';
import { kubectl, kubectlBinary, type Kubectl } from './kubectl.js';
import { rawClient, type RawClient } from './http.js';
import { objectOps, type TestEvent, type TestObject } from './objects.js';
import { assertWatchTooOld, openWatch as openWatchStream, type Watch as WatchStream } from './watch.js';

export interface ClientWatchTarget {
  /** "SQLite" or "etcd", in the suite's names. */
  backend: string;
  /** What a restart keeps, in the restart test's name ("same data directory", "same etcd"). */
  restartWhat: string;
  /** The server now (restart() replaces it). */
  server(): RunningServer;
  /** Stop the server and start a new one on the same storage. */
  restart(): Promise<void>;
  /**
   * A watch from a resourceVersion taken before the restart: 'events' when the store's history survives the
   * restart (SQLite's log), 'expired' when the new watch cache starts at the current revision and that
   * revision moved on while the server was down (etcd, as in kube-apiserver).
   */
  resumeAfterRestart: 'events' | 'expired';
  /** A directory for scripts the tests write. */
  scratchDir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** A long-running kubectl (get -w, wait, rollout status) whose output lines can be awaited. */
export interface Bg {
  lines(): string[];
  waitLine(re: RegExp, ms?: number): Promise<string>;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill(): void;
}

export function bgKubectl(kubeconfigPath: string, args: string[]): Bg {
  const child = spawn(kubectlBinary('1.32'), [`--kubeconfig=${kubeconfigPath}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  let done = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) =>
    child.on('close', (code) => {
      done = true;
      for (const w of waiters.splice(0)) w();
      ok({ code, stdout, stderr });
    }),
  );
  // Complete lines only while kubectl runs: it may flush a line in pieces.
  const lines = () => {
    const parts = stdout.split('\n');
    if (!done) parts.pop();
    return parts.filter((l) => l.length);
  };
  return {
    lines,
    exit,
    kill: () => {
      if (!done) child.kill('SIGKILL');
    },
    waitLine: (re, ms = 8000) =>
      new Promise((ok, fail) => {
        const deadline = setTimeout(() => fail(new Error(`kubectl ${args.join(' ')}: no line matching ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`)), ms);
        const check = () => {
          const hit = lines().find((l) => re.test(l));
          if (hit !== undefined) {
            clearTimeout(deadline);
            ok(hit);
          } else if (done) {
            clearTimeout(deadline);
            fail(new Error(`kubectl ${args.join(' ')} exited without a line matching ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          } else waiters.push(check);
        };
        check();
      }),
  };
}

const deployment = (name: string, ns: string) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });

/** Register the suite; call at the top level of a test file whose before() starts target.server(). */
export function clientWatchSuite(target: ClientWatchTarget): void {
  let server: RunningServer;
  let k: Kubectl;
  let http: RawClient;
  describe(`client watches on ${target.backend}`, () => {
    const bind = () => {
      server = target.server();
      k = kubectl(server.kubeconfigPath, '1.32');
      http = rawClient(server);
    };
    before(bind);

    const { mkNs, createCM, patchCM, deleteCM } = objectOps(() => http);
    const openWatch = (srv: RunningServer, path: string): Promise<WatchStream<TestEvent>> => openWatchStream<TestEvent>(srv, path, { waitMs: 8000 });

    describe(`kubectl watches (${target.backend})`, () => {
      it('get -w --output-watch-events prints ADDED, MODIFIED and DELETED lines', async () => {
        await mkNs('kw');
        await k.ok(['create', 'configmap', 'pre', '-n', 'kw', '--from-literal=a=1']);
        const w = bgKubectl(server.kubeconfigPath, ['get', 'cm', '-n', 'kw', '-w', '--output-watch-events', '--request-timeout=20s']);
        try {
          assert.match(await w.waitLine(/^EVENT\s/), /^EVENT\s+NAME\s+DATA\s+AGE$/);
          await w.waitLine(/^ADDED\s+pre\s+1\s+\S+$/);
          await w.waitLine(/^ADDED\s+kube-root-ca\.crt\s+1\s+/);
          await k.ok(['create', 'configmap', 'w1', '-n', 'kw', '--from-literal=a=1']);
          await w.waitLine(/^ADDED\s+w1\s+1\s+\S+$/);
          await k.ok(['patch', 'cm', 'w1', '-n', 'kw', '--type=merge', '-p', '{"data":{"b":"2"}}']);
          await w.waitLine(/^MODIFIED\s+w1\s+2\s+\S+$/);
          await k.ok(['delete', 'cm', 'w1', '-n', 'kw']);
          await w.waitLine(/^DELETED\s+w1\s+2\s+\S+$/);
          // Exactly one line per event, in order.
          const names = w.lines().slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(' '));
          assert.deepEqual(names.filter((n) => n.endsWith(' w1')), ['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
        } finally {
          w.kill();
        }
      });

      it('get <name> -w follows one object only', async () => {
        await mkNs('kw1');
        await k.ok(['create', 'configmap', 'one', '-n', 'kw1', '--from-literal=a=1']);
        const w = bgKubectl(server.kubeconfigPath, ['get', 'cm', 'one', '-n', 'kw1', '-w', '--request-timeout=20s']);
        try {
          await w.waitLine(/^one\s+1\s+/);
          await k.ok(['create', 'configmap', 'other', '-n', 'kw1', '--from-literal=a=1']);
          await k.ok(['patch', 'cm', 'one', '-n', 'kw1', '--type=merge', '-p', '{"data":{"b":"2","c":"3"}}']);
          await w.waitLine(/^one\s+3\s+/);
          assert.ok(!w.lines().some((l) => l.startsWith('other')), w.lines().join('\n'));
        } finally {
          w.kill();
        }
      });

      it('wait --for=condition=Available returns once the status subresource sets the condition', async () => {
        await mkNs('kwait');
        await k.ok(['create', '-f', '-'], { input: deployment('web', 'kwait') });
        const w = bgKubectl(server.kubeconfigPath, ['wait', '--for=condition=Available', 'deploy/web', '-n', 'kwait', '--timeout=15s']);
        await sleep(500);
        await k.ok([
          'patch', 'deploy', 'web', '-n', 'kwait', '--subresource=status', '--type=merge', '-p',
          JSON.stringify({ status: { conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'ok', lastUpdateTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-01-01T00:00:00Z' }] } }),
        ]);
        const r = await w.exit;
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.trim(), 'deployment.apps/web condition met');
      });

      it('wait --for=delete returns once the object is gone', async () => {
        await mkNs('kdel');
        await k.ok(['create', 'configmap', 'gone', '-n', 'kdel', '--from-literal=a=1']);
        const w = bgKubectl(server.kubeconfigPath, ['wait', '--for=delete', 'cm/gone', '-n', 'kdel', '--timeout=15s']);
        await sleep(500);
        await k.ok(['delete', 'cm', 'gone', '-n', 'kdel', '--wait=false']);
        const r = await w.exit;
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.trim(), 'configmap/gone condition met');
      });

      it('wait --for=jsonpath times out with kube\'s message when the value never comes', async () => {
        await k.ok(['create', 'configmap', 'never', '-n', 'kdel', '--from-literal=a=1']);
        const r = await k(['wait', '--for=jsonpath={.data.a}=2', 'cm/never', '-n', 'kdel', '--timeout=2s']);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /timed out waiting for the condition on configmaps\/never/);
      });

      it('rollout status waits for observedGeneration / updatedReplicas / availableReplicas', async () => {
        await mkNs('kroll');
        await k.ok(['create', '-f', '-'], { input: deployment('app', 'kroll') });
        const w = bgKubectl(server.kubeconfigPath, ['rollout', 'status', 'deploy/app', '-n', 'kroll', '--timeout=15s']);
        await w.waitLine(/Waiting for deployment/, 8000).catch(() => undefined);
        await k.ok(['patch', 'deploy', 'app', '-n', 'kroll', '--subresource=status', '--type=merge', '-p',
          JSON.stringify({ status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1 } })]);
        await sleep(300);
        await k.ok(['patch', 'deploy', 'app', '-n', 'kroll', '--subresource=status', '--type=merge', '-p',
          JSON.stringify({ status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 } })]);
        const r = await w.exit;
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /deployment "app" successfully rolled out/);
        // Already rolled out: returns at once.
        const again = await k.ok(['rollout', 'status', 'deploy/app', '-n', 'kroll', '--timeout=10s']);
        assert.equal(again.trim(), 'deployment "app" successfully rolled out');
      });
    });


    /**
     * A @kubernetes/client-node informer on a namespace's ConfigMaps (not started): each add/update/delete is
     * recorded as format(event, object); until(line) waits for that line.
     */
    function configMapInformer(ns: string, format: (what: string, o: k8s.V1ConfigMap) => string) {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(server.kubeconfigPath);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns }));
      const seen: string[] = [];
      const waiters: (() => void)[] = [];
      for (const what of ['add', 'update', 'delete'] as const) {
        informer.on(what, (o: k8s.V1ConfigMap) => {
          seen.push(format(what, o));
          for (const w of waiters.splice(0)) w();
        });
      }
      const until = (line: string, ms = 8000) =>
        new Promise<void>((ok, fail) => {
          const t = setTimeout(() => fail(new Error(`informer never saw "${line}"; saw:\n${seen.join('\n')}`)), ms);
          const check = () => (seen.includes(line) ? (clearTimeout(t), ok()) : waiters.push(check));
          check();
        });
      return { informer, until };
    }

    describe(`client libraries' watches (${target.backend})`, () => {
      it('@kubernetes/client-node makeInformer sees add, update and delete', async () => {
        await mkNs('inf');
        await createCM('inf', 'before');
        const { informer, until } = configMapInformer('inf', (what, o) => `${what} ${o.metadata?.name} ${JSON.stringify(o.data ?? {})}`);
        const errors: unknown[] = [];
        informer.on('error', (e: unknown) => errors.push(e));
        await informer.start();
        try {
          await until('add before {"a":"1"}');
          await createCM('inf', 'live');
          await until('add live {"a":"1"}');
          await patchCM('inf', 'live', { data: { a: '2' } });
          await until('update live {"a":"2"}');
          await deleteCM('inf', 'live');
          await until('delete live {"a":"2"}');
          assert.deepEqual(informer.list('inf').map((o) => o.metadata?.name).sort(), ['before', 'kube-root-ca.crt']);
          assert.deepEqual(errors, []);
        } finally {
          await informer.stop();
        }
      });

      it('the Python client\'s watch.Watch().stream sees the events and ends at timeout_seconds', async () => {
        const probe = spawnSync('/usr/bin/python3', ['-c', 'import kubernetes'], { encoding: 'utf8' });
        assert.equal(probe.status, 0, `python3-kubernetes is not installed (apt-get install -y python3-kubernetes): ${probe.stderr}`);
        await mkNs('py');
        await createCM('py', 'py-pre');
        const script = join(target.scratchDir, 'watch.py');
        writeFileSync(
          script,
          [
            'import json, sys',
            'from kubernetes import client, config, watch',
            'config.load_kube_config(config_file=sys.argv[1])',
            'v1 = client.CoreV1Api()',
            'w = watch.Watch()',
            "for ev in w.stream(v1.list_namespaced_config_map, 'py', timeout_seconds=5):",
            "    o = ev['object']",
            "    print(json.dumps([ev['type'], o.metadata.name, o.metadata.resource_version, o.data]), flush=True)",
            "print('END', flush=True)",
          ].join('\n'),
        );
        const child = spawn('/usr/bin/python3', [script, server.kubeconfigPath], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        const waiters: (() => void)[] = [];
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          for (const w of waiters.splice(0)) w();
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const exited = new Promise<number | null>((ok) => child.on('close', ok));
        const until = (s: string, ms = 8000) =>
          new Promise<void>((ok, fail) => {
            const t = setTimeout(() => fail(new Error(`python never printed ${s}:\n${out}\n${err}`)), ms);
            const check = () => (out.includes(s) ? (clearTimeout(t), ok()) : waiters.push(check));
            check();
          });
        try {
          await until('"py-pre"');
          await createCM('py', 'py-live');
          await patchCM('py', 'py-live', { data: { a: '2' } });
          await deleteCM('py', 'py-live');
          await until('"DELETED", "py-live"');
          const code = await exited;
          assert.equal(code, 0, err);
          const evs = out.trim().split('\n');
          assert.equal(evs.pop(), 'END');
          const parsed = evs.map((l) => JSON.parse(l) as [string, string, string, Record<string, string>]);
          assert.deepEqual(parsed.filter((p) => p[1] === 'py-live').map((p) => [p[0], p[3]]), [
            ['ADDED', { a: '1' }],
            ['MODIFIED', { a: '2' }],
            ['DELETED', { a: '2' }],
          ]);
          assert.ok(parsed.some((p) => p[0] === 'ADDED' && p[1] === 'py-pre'));
        } finally {
          child.kill('SIGKILL');
        }
      });
    });

    describe(`server restart (${target.restartWhat})`, () => {
      it('a watch or an informer resuming from its last resourceVersion gets the events after it', async () => {
        await mkNs('rs');
        const { informer, until } = configMapInformer('rs', (what, o) => `${what} ${o.metadata?.name}`);
        informer.on('error', () => undefined);
        await informer.start();
        try {
          await createCM('rs', 'r1');
          const r2 = await createCM('rs', 'r2');
          await until('add r2');
          const lastRV = r2.metadata.resourceVersion!;
          assert.equal((informer as unknown as { latestResourceVersion(): string }).latestResourceVersion(), lastRV);

          await target.restart();
          bind();

          // Objects and resourceVersions survive the restart; new writes get higher resourceVersions.
          const got = await http('GET', '/api/v1/namespaces/rs/configmaps/r2');
          assert.equal(got.status, 200, got.text);
          assert.equal(got.json<TestObject>().metadata.resourceVersion, lastRV);

          const w = await openWatch(server, `/api/v1/namespaces/rs/configmaps?watch=1&resourceVersion=${lastRV}`);
          await informer.start(); // resumes its watch from latestResourceVersion (no relist)
          try {
            const r3 = await createCM('rs', 'r3');
            await patchCM('rs', 'r1', { data: { a: '9' } });
            await deleteCM('rs', 'r2');
            assert.ok(Number(r3.metadata.resourceVersion) > Number(lastRV));
            if (target.resumeAfterRestart === 'events') {
              assert.equal(w.status, 200);
              await w.waitCount(3);
              assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED r3', 'MODIFIED r1', 'DELETED r2']);
            } else {
              // kube-apiserver's answer when the new watch cache's window starts after the resourceVersion:
              // 200 and one ERROR event, 410 Expired "too old resource version: RV (window start)"; the
              // informer relists.
              await assertWatchTooOld(w, lastRV);
            }
            await until('add r3');
            await until('update r1');
            await until('delete r2');
            assert.deepEqual(informer.list('rs').map((o) => o.metadata?.name).sort(), ['kube-root-ca.crt', 'r1', 'r3']);
          } finally {
            w.stop();
          }
        } finally {
          await informer.stop();
        }
      });
    });

  });
}
