// Writing objects and Status errors in the negotiated format.
import { yamlLib } from '../util/yaml.js';
import { internalError, StatusError, type Status } from '../api/errors.js';
import type { Res, SimpleResponse } from './http.js';

const COMMON_HEADERS = { 'cache-control': 'no-cache, private' } as const;

function setCommon(res: Res, warnings?: string[]): void {
  for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
  if (warnings && warnings.length) res.setHeader('warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

const jsonMemo = new WeakMap<object, Buffer>();

/**
 * An object's JSON as UTF-8 bytes. Frozen objects (the watch cache's, shared and immutable) are encoded
 * once: GET, LIST and JSON watch events all copy these bytes, so the cache holds one encoding per object.
 */
export function jsonBytes(obj: object): Buffer {
  if (!Object.isFrozen(obj)) return Buffer.from(JSON.stringify(obj));
  let b = jsonMemo.get(obj);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(obj));
    jsonMemo.set(obj, b);
  }
  return b;
}

export function writeJson(res: Res, code: number, body: unknown, warnings?: string[]): void {
  writeRawJson(res, code, JSON.stringify(body) + '\n', warnings);
}

/** Write already-serialized JSON (text or UTF-8 bytes). */
export function writeRawJson(res: Res, code: number, text: string | Buffer, warnings?: string[]): void {
  if (res.headersSent) return;
  setCommon(res, warnings);
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', typeof text === 'string' ? Buffer.byteLength(text) : text.length);
  res.writeHead(code);
  res.end(text);
}

const PIECE = 64 * 1024;
const IN_FLIGHT = 1024 * 1024;
/** Piece buffers whose writes completed, reused: a LIST allocates no new memory for its response. */
const piecePool: Buffer[] = [];
const POOL_MAX = 2 * (IN_FLIGHT / PIECE);

/**
 * Write JSON made of many byte chunks (a LIST's items) without joining them into one buffer: the chunks
 * are copied into reused 64 KiB pieces, at most ~1 MiB queued on the connection. A large LIST then needs
 * no second full copy of itself, and leaves no garbage buffers behind for the allocator to keep.
 */
export function writeRawJsonChunks(res: Res, code: number, chunks: Buffer[], warnings?: string[]): void {
  if (res.headersSent) return;
  let total = 0;
  for (const c of chunks) total += c.length;
  if (total <= PIECE) return writeRawJson(res, code, Buffer.concat(chunks, total), warnings);
  setCommon(res, warnings);
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', total);
  res.writeHead(code);
  const out = res as unknown as NodeJS.WritableStream & { writableLength: number; destroyed: boolean };
  let i = 0;
  let off = 0; // offset into chunks[i]
  const pump = (): void => {
    while (i < chunks.length) {
      if (out.destroyed) return;
      const piece = piecePool.pop() ?? Buffer.allocUnsafeSlow(PIECE);
      let size = 0;
      while (i < chunks.length && size < PIECE) {
        const c = chunks[i]!;
        const n = Math.min(c.length - off, PIECE - size);
        c.copy(piece, size, off, off + n);
        size += n;
        off += n;
        if (off === c.length) {
          i++;
          off = 0;
        }
      }
      out.write(piece.subarray(0, size), () => {
        if (piecePool.length < POOL_MAX) piecePool.push(piece);
      });
      if (out.writableLength > IN_FLIGHT && i < chunks.length) {
        out.once('drain', pump);
        return;
      }
    }
    out.end();
  };
  pump();
}

export function writeYaml(res: Res, code: number, body: unknown, warnings?: string[]): void {
  if (res.headersSent) return;
  setCommon(res, warnings);
  const text = yamlLib().stringify(body, { aliasDuplicateObjects: false, lineWidth: 0 });
  res.setHeader('content-type', 'application/yaml');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.writeHead(code);
  res.end(text);
}

export function writeText(res: Res, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  if (res.headersSent) return;
  res.setHeader('content-type', contentType);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.writeHead(code);
  res.end(text);
}

export function writeSimple(res: Res, r: SimpleResponse): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  if (!('content-length' in r.headers) && !('Content-Length' in r.headers)) res.setHeader('content-length', body.length);
  res.writeHead(r.status);
  res.end(body);
}

export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  return internalError(err);
}

export function writeError(res: Res, err: unknown, yaml = false): void {
  const se = toStatusError(err);
  if (!(err instanceof StatusError)) console.error('internal error:', err);
  const status: Status = se.toStatus();
  if (se.details?.retryAfterSeconds && !res.headersSent) res.setHeader('retry-after', String(se.details.retryAfterSeconds));
  if (yaml) writeYaml(res, se.code, status);
  else writeJson(res, se.code, status);
}

export function successStatus(details?: Record<string, unknown>): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) s.details = details;
  return s;
}
