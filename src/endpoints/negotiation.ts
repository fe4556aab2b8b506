// Content negotiation as kube-apiserver does it (apiserver/pkg/endpoints/handlers/negotiation).
import { notAcceptable } from '../api/errors.js';
import { Memo } from '../util/memo.js';

export interface MediaRange {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
}

export function parseMediaType(s: string): MediaRange | undefined {
  const [full, ...rest] = s.split(';').map((x) => x.trim());
  if (!full) return undefined;
  const slash = full.indexOf('/');
  if (slash < 0) return undefined;
  const params: Record<string, string> = {};
  let q = 1;
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const k = p.slice(0, eq).trim().toLowerCase();
    const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
    if (k === 'q') q = Number(v);
    else params[k] = v;
  }
  return { type: full.slice(0, slash).toLowerCase(), subtype: full.slice(slash + 1).toLowerCase(), params, q: Number.isNaN(q) ? 0 : q };
}

/** Accept header → media ranges ordered by preference (q, then position). */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  const out = header
    .split(',')
    .map((s, i) => ({ m: parseMediaType(s), i }))
    .filter((x): x is { m: MediaRange; i: number } => x.m !== undefined && x.m.q > 0);
  out.sort((a, b) => b.m.q - a.m.q || a.i - b.i);
  return out.map((x) => x.m);
}

export type OutputKind =
  | { format: 'json' }
  | { format: 'yaml' }
  | { format: 'protobuf' }
  | { format: 'table'; version: 'v1' | 'v1beta1' }
  | { format: 'partial'; version: 'v1' | 'v1beta1'; list: boolean };

export interface NegotiateOptions {
  /** Protobuf output is available (built-in types once the Protobuf serializer is installed). */
  protobuf: boolean;
  /** Watch streams: YAML has no stream serializer. */
  stream: boolean;
  /** Whether the endpoint can produce Table / PartialObjectMetadata (resource GET/LIST/WATCH). */
  transforms: boolean;
}

const ACCEPTED = 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf';

/** Negotiated outputs by Accept header and options: clients send the same few headers on every request. */
const negotiated = new Memo<OutputKind>(256);

export function negotiateOutput(accept: string | undefined, opts: NegotiateOptions): OutputKind {
  const key = `${opts.protobuf ? 1 : 0}${opts.stream ? 1 : 0}${opts.transforms ? 1 : 0}${accept ?? ''}`;
  return negotiated.get(key, () => Object.freeze(negotiate(accept, opts)));
}

function negotiate(accept: string | undefined, opts: NegotiateOptions): OutputKind {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { format: 'json' };
  for (const r of ranges) {
    const full = `${r.type}/${r.subtype}`;
    const as = r.params['as'];
    if (as !== undefined) {
      if (!opts.transforms) continue;
      if (full !== 'application/json' && !(full === 'application/vnd.kubernetes.protobuf' && opts.protobuf)) continue;
      if (r.params['g'] !== 'meta.k8s.io') continue;
      const v = r.params['v'];
      if (v !== 'v1' && v !== 'v1beta1') continue;
      if (full !== 'application/json') continue;
      if (as === 'Table') return { format: 'table', version: v };
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { format: 'partial', version: v, list: as === 'PartialObjectMetadataList' };
      continue;
    }
    if (full === 'application/json' || full === '*/*' || full === 'application/*') return { format: 'json' };
    if (full === 'application/yaml' && !opts.stream) return { format: 'yaml' };
    if (full === 'application/vnd.kubernetes.protobuf' && opts.protobuf) return { format: 'protobuf' };
    if (opts.stream && full === 'application/json;stream=watch') return { format: 'json' };
  }
  throw notAcceptable(ACCEPTED);
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

export type PatchFormat = 'json' | 'merge' | 'strategic' | 'apply';

export function contentTypeOf(header: string | undefined): string {
  if (!header) return 'application/json';
  return header.split(';')[0]!.trim().toLowerCase();
}
