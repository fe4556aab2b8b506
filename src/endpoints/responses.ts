// Writing objects and Status errors in the negotiated format.
import { yamlLib } from '../util/yaml.js';
import { internalError, StatusError, type Status } from '../api/errors.js';
import type { Res, SimpleResponse } from './http.js';

const COMMON_HEADERS = { 'cache-control': 'no-cache, private' } as const;

function setCommon(res: Res, warnings?: string[]): void {
  for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
  if (warnings && warnings.length) res.setHeader('warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

export function writeJson(res: Res, code: number, body: unknown, warnings?: string[]): void {
  writeRawJson(res, code, JSON.stringify(body) + '\n', warnings);
}

const NEWLINE = Buffer.from('\n');

/** Write an object's JSON bytes (as JSON.stringify gives them) as the body, newline-terminated as writeJson's. */
export function writeJsonBytes(res: Res, code: number, bytes: Buffer, warnings?: string[]): void {
  writeRawJson(res, code, Buffer.concat([bytes, NEWLINE]), warnings);
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
 * Encodes texts (a list's head, each item, its tail) into 64 KiB pieces, one piece at a time, so that only
 * the part of a response that is queued on the connection exists in memory. A text larger than a piece
 * goes out as its own buffer.
 */
class PieceEncoder {
  private pending: string | Buffer | undefined;
  done = false;
  constructor(private readonly nextPart: () => string | Buffer | undefined) {}

  /** The next buffer to write (piece: the pooled buffer to give back once written), or undefined at the end. */
  next(): { data: Buffer; piece?: Buffer } | undefined {
    let piece: Buffer | undefined;
    let size = 0;
    for (;;) {
      const s = this.pending ?? this.nextPart();
      this.pending = undefined;
      if (s === undefined) {
        this.done = true;
        break;
      }
      const room = PIECE - size;
      // UTF-8 needs at most 3 bytes per UTF-16 unit: measure only texts that might not fit.
      if (typeof s === 'string' ? s.length * 3 <= room || Buffer.byteLength(s) <= room : s.length <= room) {
        piece ??= piecePool.pop() ?? Buffer.allocUnsafeSlow(PIECE);
        size += typeof s === 'string' ? piece.write(s, size) : s.copy(piece, size);
        continue;
      }
      if (size > 0) {
        this.pending = s;
        break;
      }
      return { data: typeof s === 'string' ? Buffer.from(s) : s };
    }
    if (piece === undefined) return undefined;
    return { data: piece.subarray(0, size), piece };
  }
}

function release(piece: Buffer | undefined): void {
  if (piece && piecePool.length < POOL_MAX) piecePool.push(piece);
}

/**
 * Write a JSON list: head, count items (each item(i): its JSON, text or UTF-8 bytes) joined by commas, tail.
 * Items are encoded while the connection drains (at most ~1 MiB queued), so a large LIST needs neither every
 * item's encoding nor a joined copy in memory at once. A response that fits one piece is sent with a
 * content-length; a larger one is sent chunked (HTTP/1.1), as kube-apiserver sends large lists.
 */
export function writeJsonList(res: Res, code: number, head: string, count: number, item: (i: number) => string | Buffer, tail: string, warnings?: string[]): void {
  if (res.headersSent) return;
  let i = -1;
  let comma = false;
  const enc = new PieceEncoder(() => {
    if (comma) {
      comma = false;
      return ',';
    }
    i++;
    if (i === 0) return head;
    if (i <= count) {
      comma = i < count;
      return item(i - 1);
    }
    return i === count + 1 ? tail : undefined;
  });
  setCommon(res, warnings);
  res.setHeader('content-type', 'application/json');
  const first = enc.next();
  if (enc.done) {
    res.setHeader('content-length', first?.data.length ?? 0);
    res.writeHead(code);
    res.end(first?.data ?? '', () => release(first?.piece));
    return;
  }
  res.writeHead(code);
  const out = res as unknown as NodeJS.WritableStream & { writableLength: number; destroyed: boolean };
  let chunk = first;
  let waiting = false;
  // Encoding resumes as soon as the queue is below half the window (checked as each piece is written),
  // not only once it is empty: the encoder and the connection then keep each other busy.
  const written = (piece: Buffer | undefined) => {
    release(piece);
    if (waiting && out.writableLength <= IN_FLIGHT / 2) {
      waiting = false;
      pump();
    }
  };
  const pump = (): void => {
    while (chunk !== undefined) {
      if (out.destroyed) return release(chunk.piece);
      const { piece } = chunk;
      out.write(chunk.data, () => written(piece));
      try {
        chunk = enc.next();
      } catch (err) {
        // Headers are gone: all that is left is to cut the response short, as Go's server does.
        console.error('internal error while writing a list:', err);
        (res as unknown as { destroy(e?: Error): void }).destroy();
        return;
      }
      if (chunk !== undefined && out.writableLength > IN_FLIGHT) {
        waiting = true;
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
