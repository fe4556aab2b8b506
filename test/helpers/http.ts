// A raw HTTPS client for tests: speaks to the server with the admin client certificate from its kubeconfig.
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:http2';
import type { RunningServer } from '../../src/index.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RawClient {
  (method: string, path: string, opts?: { body?: string | Buffer; headers?: Record<string, string>; anonymous?: boolean }): Promise<RawResponse>;
  /** Open a streaming GET and collect newline-delimited chunks until stop() is called. */
  stream(path: string, headers?: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; lines(): string[]; waitFor(n: number, ms?: number): Promise<string[]>; stop(): void }>;
  /** An HTTP/2 GET, to check the server speaks h2. */
  h2get(path: string): Promise<{ status: number; body: string }>;
  /** Send all these requests at once as streams of one HTTP/2 connection (they reach the server together). */
  h2burst(reqs: { method: string; path: string; body?: string; headers?: Record<string, string> }[]): Promise<{ status: number; body: string }[]>;
}

export function creds(server: RunningServer) {
  const cfg = server.kubeconfig;
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  const user = cfg.users[0]!.user;
  return {
    ca: b64(cfg.clusters[0]!.cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
  };
}

export function rawClient(server: RunningServer): RawClient {
  const c = creds(server);
  const url = new URL(server.url);
  const call = (method: string, path: string, opts: { body?: string | Buffer; headers?: Record<string, string>; anonymous?: boolean } = {}): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          ca: c.ca,
          cert: opts.anonymous ? undefined : c.cert,
          key: opts.anonymous ? undefined : c.key,
          headers: opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)), ...opts.headers } : opts.headers,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const text = body.toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: <T>() => JSON.parse(text) as T });
          });
        },
      );
      req.on('error', reject);
      if (opts.body !== undefined) req.write(opts.body);
      req.end();
    });
  const fn = call as RawClient;
  fn.stream = (path, headers) =>
    new Promise((resolve, reject) => {
      const buf: string[] = [];
      let partial = '';
      const waiters: (() => void)[] = [];
      const req = request({ host: url.hostname, port: url.port, method: 'GET', path, ca: c.ca, cert: c.cert, key: c.key, headers, agent: false }, (res) => {
        res.on('data', (d: Buffer) => {
          partial += d.toString('utf8');
          const parts = partial.split('\n');
          partial = parts.pop()!;
          buf.push(...parts.filter((p) => p.length));
          for (const w of waiters.splice(0)) w();
        });
        res.on('error', () => undefined);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          lines: () => [...buf],
          waitFor: (n, ms = 5000) =>
            new Promise((ok, fail) => {
              const deadline = setTimeout(() => fail(new Error(`timed out waiting for ${n} lines, got ${buf.length}: ${buf.join('\n')}`)), ms);
              const check = () => {
                if (buf.length >= n) {
                  clearTimeout(deadline);
                  ok([...buf]);
                } else waiters.push(check);
              };
              check();
            }),
          stop: () => req.destroy(),
        });
      });
      req.on('error', (e) => {
        if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
      });
      req.end();
    });
  fn.h2get = async (path) => (await fn.h2burst([{ method: 'GET', path }]))[0]!;
  fn.h2burst = async (reqs) => {
    const session = connect(server.url, { ca: c.ca, cert: c.cert, key: c.key });
    try {
      await new Promise<void>((ok, fail) => {
        session.once('connect', () => ok());
        session.once('error', fail);
      });
      return await Promise.all(
        reqs.map(
          (r) =>
            new Promise<{ status: number; body: string }>((resolve, reject) => {
              const req = session.request({ ':method': r.method, ':path': r.path, ...r.headers });
              let status = 0;
              let body = '';
              req.on('response', (h) => (status = Number(h[':status'])));
              req.on('data', (d: Buffer) => (body += d.toString()));
              req.on('end', () => resolve({ status, body }));
              req.on('error', reject);
              req.end(r.body);
            }),
        ),
      );
    } finally {
      session.close();
    }
  };
  return fn;
}
