// The transport-neutral request/response types of the HTTP layer (HTTP/1.1 and HTTP/2 compat API).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { UserInfo } from '../api/types.js';
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

export async function readBody(req: Req, limit = 3 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > limit) throw new Error('request entity too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The streaming subset both response types implement (flushHeaders exists on Http2ServerResponse too). */
export interface StreamWriter {
  write(chunk: string | Buffer): boolean;
  flushHeaders(): void;
}

export function streamWriter(res: Res): StreamWriter {
  return res as unknown as StreamWriter;
}
