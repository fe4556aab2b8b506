// The transport-neutral request/response types of the HTTP layer (HTTP/1.1 and HTTP/2 compat API).
import { ServerResponse, type IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
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

/** A streaming response (watch): headers at once, then the body in chunks as they come. */
export interface StreamWriter {
  flushHeaders(): void;
  write(chunk: Buffer): void;
  /** fn runs whenever the connection has taken what was queued (after a write over its buffer). */
  onDrain(fn: () => void): void;
  /** The response ended: stop listening to the connection (it may serve further requests). */
  release(): void;
}

const CRLF = Buffer.from('\r\n');

/** The last framed chunk: watchers flushed one after another mostly write the very same bytes. */
let lastFrame: { payload: Buffer; framed: Buffer } | undefined;

function chunkFrame(payload: Buffer): Buffer {
  if (lastFrame?.payload === payload) return lastFrame.framed;
  const framed = Buffer.concat([Buffer.from(`${payload.length.toString(16)}\r\n`, 'latin1'), payload, CRLF]);
  lastFrame = { payload, framed };
  return framed;
}

/**
 * HTTP/1.1 chunked responses write each chunk to the socket framed in one buffer (shared between watchers
 * writing the same bytes), instead of the response's four writes per chunk (size, CRLF, data, CRLF): a watch
 * write per watcher per flush round is the server's hottest write. HTTP/2 responses (and HTTP/1.1 ones with
 * output still queued in the response) use the response's own write. res.end() still writes the last chunk.
 */
export function streamWriter(res: Res): StreamWriter {
  // The subset both response types implement (Http2ServerResponse has flushHeaders too, untyped).
  const out = res as unknown as { flushHeaders(): void; write(chunk: Buffer): boolean; on(e: 'drain', fn: () => void): void; off(e: 'drain', fn: () => void): void };
  let socket: Socket | undefined;
  let drain: (() => void) | undefined;
  return {
    flushHeaders() {
      out.flushHeaders();
      const s = res.socket;
      if (res instanceof ServerResponse && res.chunkedEncoding && s instanceof Socket && res.writableLength === s.writableLength) socket = s;
    },
    write(chunk) {
      if (chunk.length === 0) return;
      if (socket === undefined) out.write(chunk);
      else if (!socket.destroyed) socket.write(chunkFrame(chunk));
    },
    onDrain(fn) {
      drain = fn;
      (socket ?? out).on('drain', fn);
    },
    release() {
      if (drain) (socket ?? out).off('drain', drain);
      drain = undefined;
    },
  };
}
