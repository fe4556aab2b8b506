// A raw watch stream for tests: one HTTPS request (its own connection, admin client certificate) whose
// newline-delimited events are collected as they arrive.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { RunningServer } from '../../src/index.js';
import { creds } from './http.js';

export interface Watch<E> {
  status: number;
  contentType: string;
  /** The whole body once the stream ended (also for non-200 answers). */
  body: Promise<string>;
  events: E[];
  ended: Promise<void>;
  isEnded(): boolean;
  /** Resolves with the first event (at or after index `from`) matching pred. */
  waitFor(pred: (e: E) => boolean, ms?: number, from?: number): Promise<E>;
  waitCount(n: number, ms?: number): Promise<E[]>;
  stop(): void;
}

/** Open a watch; `waitMs` is the default time waitFor and waitCount wait. */
export function openWatch<E>(srv: RunningServer, path: string, opts: { headers?: Record<string, string>; waitMs?: number } = {}): Promise<Watch<E>> {
  const c = creds(srv);
  const url = new URL(srv.url);
  const waitMs = opts.waitMs ?? 5000;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: 'GET', ca: c.ca, cert: c.cert, key: c.key, headers: opts.headers ?? {}, agent: false },
      (res) => {
        const events: E[] = [];
        const waiters: (() => void)[] = [];
        let partial = '';
        let raw = '';
        let ended = false;
        const wake = () => {
          for (const w of waiters.splice(0)) w();
        };
        const endedP = new Promise<void>((ok) => {
          const fin = () => {
            if (ended) return;
            ended = true;
            wake();
            ok();
          };
          res.on('end', fin);
          res.on('close', fin);
          res.on('error', fin);
        });
        res.on('data', (d: Buffer) => {
          raw += d.toString('utf8');
          if (res.statusCode !== 200) return;
          partial += d.toString('utf8');
          const parts = partial.split('\n');
          partial = parts.pop()!;
          for (const p of parts) if (p.trim()) events.push(JSON.parse(p) as E);
          wake();
        });
        /** Resolve with done()'s value once it has one; fail at the deadline or when the stream ends first. */
        const until = <T>(done: () => T | undefined, ms: number, what: string) =>
          new Promise<T>((ok, fail) => {
            const deadline = setTimeout(() => fail(new Error(`timed out waiting for ${what}; events so far:\n${JSON.stringify(events)}`)), ms);
            const check = () => {
              const v = done();
              if (v !== undefined) {
                clearTimeout(deadline);
                ok(v);
              } else if (ended) {
                clearTimeout(deadline);
                fail(new Error(`stream ended (status ${res.statusCode}) before ${what}; body:\n${raw}`));
              } else waiters.push(check);
            };
            check();
          });
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: endedP.then(() => raw),
          events,
          ended: endedP,
          isEnded: () => ended,
          waitFor: (pred, ms = waitMs, from = 0) => until(() => events.slice(from).find(pred), ms, 'a matching event'),
          waitCount: (n, ms = waitMs) => until(() => (events.length >= n ? [...events] : undefined), ms, `${n} events`),
          stop: () => req.destroy(),
        });
      },
    );
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    req.end();
  });
}

interface StatusEvent {
  type: string;
  object: { kind?: string; status?: string; code?: number; reason?: string; message?: string };
}

/**
 * kube's watch cache's answer to a watch from a resourceVersion its history no longer covers: 200, one ERROR
 * event carrying a 410 Expired Status "too old resource version: <rv> (<oldest>)", then the end of the stream.
 */
export async function assertWatchTooOld(w: Watch<StatusEvent>, rv: number | string): Promise<void> {
  // A non-200 answer is a whole response: its body says why.
  if (w.status !== 200) assert.fail(`status ${w.status}: ${await w.body}`);
  const [ev] = await w.waitCount(1);
  assert.equal(ev!.type, 'ERROR', JSON.stringify(ev));
  assert.equal(ev!.object.kind, 'Status');
  assert.equal(ev!.object.status, 'Failure');
  assert.equal(ev!.object.code, 410, JSON.stringify(ev));
  assert.equal(ev!.object.reason, 'Expired');
  const m = /^too old resource version: (\d+) \((\d+)\)$/.exec(ev!.object.message ?? '');
  assert.ok(m, ev!.object.message);
  assert.equal(m[1], String(rv));
  assert.ok(Number(m[2]) >= Number(rv));
  await w.ended;
  assert.equal(w.events.length, 1, JSON.stringify(w.events));
}
