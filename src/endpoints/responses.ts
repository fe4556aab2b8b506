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

/** Write already-serialized JSON (text or UTF-8 bytes). */
export function writeRawJson(res: Res, code: number, text: string | Buffer, warnings?: string[]): void {
  if (res.headersSent) return;
  setCommon(res, warnings);
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', typeof text === 'string' ? Buffer.byteLength(text) : text.length);
  res.writeHead(code);
  res.end(text);
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
