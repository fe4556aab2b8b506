// The transport-neutral request/response types of the HTTP layer (HTTP/1.1 and HTTP/2 compat API).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { UserInfo } from '../api/types.js';
import { StatusError } from '../api/errors.js';
import type { RequestInfo } from './request-info.js';

export type Req = IncomingMessage | Http2ServerRequest;
export type Res = ServerResponse | Http2ServerResponse;

export interface RequestContext {
  req: Req;
  res: Res;
  url: URL;
  info: RequestInfo;
  user: UserInfo;
  /** Warning header values collected during the request. */
  warnings: string[];
}

/** Transport-neutral response produced by discovery/openapi modules. */
export interface SimpleResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export function header(req: Req, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * The request body, at most `limit` bytes (kube-apiserver's 3 MiB): larger bodies get 413 RequestEntityTooLarge,
 * and the rest of the body is discarded. Events, not an async iterator: this runs for every write.
 */
export function readBody(req: Req, limit = 3 * 1024 * 1024): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (req.readableEnded) return resolve(Buffer.alloc(0));
    if (req.destroyed) return reject(new Error('request body: connection closed before the end'));
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += b.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`));
        return;
      }
      chunks.push(b);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.readableEnded) reject(new Error('request body: connection closed before the end'));
    });
  });
}

/** The streaming subset both response types implement (flushHeaders exists on Http2ServerResponse too). */
export interface StreamWriter {
  write(chunk: string | Buffer): boolean;
  flushHeaders(): void;
}

export function streamWriter(res: Res): StreamWriter {
  return res as unknown as StreamWriter;
}
