// Request body decoding: JSON (also when no Content-Type is sent), YAML; Protobuf comes with its own decoder.
import { yamlLib } from '../util/yaml.js';
import { badRequest, StatusError } from '../api/errors.js';
import { isObject, type KObject } from '../api/types.js';
import { contentTypeOf } from './negotiation.js';
import { header, readBody, type Req } from './http.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './protobuf/index.js';
import { duplicateJsonFields } from '../registry/field-validation.js';


function unsupported(ct: string, accepted: string[]): StatusError {
  void ct;
  return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

const OBJECT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${goJsonError(e as Error, text)}`);
  }
}

function goJsonError(e: Error, text: string): string {
  if (text.trim() === '') return 'unexpected end of JSON input';
  const m = /Unexpected token '?(.)'?/.exec(e.message) ?? /Unexpected (?:non-whitespace )?character/.exec(e.message);
  if (m && m[1]) return `invalid character '${m[1]}' looking for beginning of value`;
  if (/end of JSON input|Unterminated/.test(e.message)) return 'unexpected end of JSON input';
  return e.message;
}

export function parseYamlText(text: string): unknown {
  try {
    return yamlLib().parse(text, { uniqueKeys: false });
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

/**
 * Decode an object body (POST/PUT/DELETE options). Returns undefined for an empty body. expectedKind
 * is the kind the endpoint takes; it only shapes error messages.
 */
export async function decodeObjectBody(req: Req, expectedKind?: string): Promise<KObject | undefined> {
  return (await decodeWriteBody(req, expectedKind)).obj;
}

/** Like decodeObjectBody, also reporting fields that appear twice in one JSON object. */
export async function decodeWriteBody(req: Req, expectedKind?: string): Promise<{ obj: KObject | undefined; duplicates: string[] }> {
  const raw = await readBody(req);
  const ct = contentTypeOf(header(req, 'content-type'));
  if (raw.length === 0) return { obj: undefined, duplicates: [] };
  if (ct === 'application/json' || ct === '*/*') {
    const text = raw.toString('utf8');
    const obj = objectBody(parseJsonText(text));
    return { obj, duplicates: obj ? duplicateJsonFields(text) : [] };
  }
  return { obj: decodeRaw(raw, ct, expectedKind), duplicates: [] };
}

function decodeRaw(raw: Buffer, ct: string, expectedKind?: string): KObject | undefined {
  if (raw.length === 0) return undefined;
  if (ct === PROTOBUF_MEDIA_TYPE) return decodeProtobufObject(raw, expectedKind);
  let v: unknown;
  if (ct === 'application/json' || ct === '*/*' || ct === 'text/plain') v = parseJsonText(raw.toString('utf8'));
  else if (ct === 'application/yaml' || ct === 'application/x-yaml' || ct === 'text/yaml') v = parseYamlText(raw.toString('utf8'));
  else throw unsupported(ct, OBJECT_TYPES);
  return objectBody(v);
}

/** A decoded body as an object: undefined for null; a Go-style unmarshal error for anything but an object. */
function objectBody(v: unknown): KObject | undefined {
  if (v === null || v === undefined) return undefined;
  if (!isObject(v)) throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  return v as KObject;
}

export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: Record<string, PatchKind> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export async function decodePatchBody(req: Req): Promise<{ kind: PatchKind; patch: unknown; raw: string }> {
  const ct = contentTypeOf(header(req, 'content-type'));
  const kind = PATCH_TYPES[ct];
  if (!kind) {
    throw unsupported(ct, ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', 'application/strategic-merge-patch+json']);
  }
  const raw = (await readBody(req)).toString('utf8');
  if (kind === 'apply') return { kind, patch: parseYamlText(raw), raw };
  if (raw.trim() === '') throw badRequest('empty patch');
  return { kind, patch: parseJsonText(raw), raw };
}
