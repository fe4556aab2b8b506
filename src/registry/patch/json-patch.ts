// RFC 6902 JSON Patch with the semantics and error texts of gopkg.in/evanphx/json-patch.v4 (v4.12.0)
// as kube-apiserver 1.32 applies it (k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
//   - undecodable patch body            -> 400 BadRequest "error decoding patch: <go json error>"
//   - more than 10000 operations        -> 413 "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got N"
//   - any failing operation             -> 422 Invalid "the server rejected our request due to an error in our request"
//     (NewGenericServerResponse: the json-patch library's own message is not returned to the client)
import type { KObject } from '../../api/types.js';
import { StatusError, badRequest, invalid } from '../../api/errors.js';
import { fieldErr } from '../../api/field-errors.js';
import { GoJsonError, decodeBody, deepClone, deepEqual, isObject, jsonKind } from './gojson.js';
import { numError } from '../../util/strconv.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface PatchOptions {
  /** The request's fieldValidation (kube defaults to Warn); it selects the decoder and thus the error texts. */
  fieldValidation?: FieldValidation;
}

/** kube's maxJSONPatchOperations */
export const MAX_JSON_PATCH_OPERATIONS = 10000;
/** kube-apiserver's JSONPatchMaxCopyBytes (jsonpatch.AccumulatedCopySizeLimit), 3 MiB. */
export const JSON_PATCH_MAX_COPY_BYTES = 3 * 1024 * 1024;

/** An error raised by the json-patch library itself (message as evanphx/json-patch v4 words it). */
export class JsonPatchError extends Error {}

/** One decoded operation: raw members of the JSON object, absent members are undefined. */
export type JsonPatchOperation = Record<string, unknown>;

/** 422 as kube returns it for any error while applying a JSON (or merge) patch. */
export function patchApplyError(): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/** Decodes and validates a JSON patch body the way kube does before applying it. */
export function decodeJsonPatch(patch: unknown, opts: PatchOptions = {}): JsonPatchOperation[] {
  const strict = (opts.fieldValidation ?? 'Warn') !== 'Ignore';
  let value: unknown;
  try {
    value = decodeBody(patch);
  } catch (e) {
    if (e instanceof GoJsonError) throw badRequest(strict ? `error decoding patch: ${e.message}` : e.message);
    throw e;
  }
  const fail = (msg: string) => badRequest(strict ? `error decoding patch: ${msg}` : msg);
  if (value === null) return [];
  if (!Array.isArray(value)) {
    throw fail(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${strict ? '[]handlers.jsonPatchOp' : 'jsonpatch.Patch'}`);
  }
  const ops: JsonPatchOperation[] = [];
  for (const el of value) {
    if (el === null) {
      ops.push({});
      continue;
    }
    if (!isObject(el)) {
      throw fail(`json: cannot unmarshal ${jsonKind(el)} into Go value of type ${strict ? 'handlers.jsonPatchOp' : 'jsonpatch.Operation'}`);
    }
    if (strict) {
      for (const f of ['op', 'path', 'from']) {
        const v = el[f];
        if (v !== undefined && v !== null && typeof v !== 'string') {
          throw fail(`json: cannot unmarshal ${jsonKind(v)} into Go struct field jsonPatchOp.${f} of type string`);
        }
      }
    }
    ops.push(el);
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  return ops;
}

/** Applies RFC 6902 JSON Patch to a copy of `doc`; throws kube's StatusError on failure. */
export function applyJsonPatch(doc: KObject, patch: unknown, opts: PatchOptions = {}): KObject {
  const ops = decodeJsonPatch(patch, opts);
  let result: unknown;
  try {
    result = applyJsonPatchOperations(doc, ops);
  } catch (e) {
    if (e instanceof JsonPatchError) {
      const se = patchApplyError();
      (se as StatusError & { cause?: unknown }).cause = e;
      throw se;
    }
    throw e;
  }
  if (!isObject(result)) {
    throw invalid('', '', '', [
      fieldErr.invalid('patch', JSON.stringify(result), `json: cannot unmarshal ${jsonKind(result)} into Go value of type map[string]interface {}`),
    ]);
  }
  return result as KObject;
}

// ---------------------------------------------------------------------------------------------
// The library itself.

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
const TEST_FAILED = 'test failed';

/** strconv.Atoi */
function atoi(s: string): number | JsonPatchError {
  const m = /^[+-]?[0-9]+$/.exec(s);
  if (!m) return new JsonPatchError(numError('Atoi', s, 'invalid syntax'));
  const n = Number(s);
  if (!Number.isSafeInteger(n) && (BigInt(s) > 9223372036854775807n || BigInt(s) < -9223372036854775808n)) {
    return new JsonPatchError(numError('Atoi', s, 'value out of range'));
  }
  return n;
}

function decodePatchKey(k: string): string {
  // strings.NewReplacer("~1", "/", "~0", "~") — a single left-to-right pass
  return k.replace(/~1|~0/g, (m) => (m === '~1' ? '/' : '~'));
}

type Container = { kind: 'doc'; doc: Record<string, unknown> } | { kind: 'ary'; ary: unknown[] };

function containerOf(v: unknown): Container | undefined {
  if (Array.isArray(v)) return { kind: 'ary', ary: v };
  if (isObject(v)) return { kind: 'doc', doc: v };
  return undefined;
}

/** Normalizes an index the way partialArray.get/set/remove do; returns the index or an error. */
function arrayIndex(key: string, len: number, forGet: boolean): number | JsonPatchError {
  const idx = atoi(key);
  if (idx instanceof JsonPatchError) return idx;
  const bad = () => new JsonPatchError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (!forGet && idx >= len) return bad(); // remove checks the upper bound first
  let i = idx;
  if (i < 0) {
    if (i < -len) return bad();
    i += len;
  }
  if (forGet && i >= len) return bad();
  return i;
}

function cGet(c: Container, key: string): unknown | JsonPatchError {
  if (c.kind === 'doc') return Object.prototype.hasOwnProperty.call(c.doc, key) ? c.doc[key] : undefined;
  const i = arrayIndex(key, c.ary.length, true);
  if (i instanceof JsonPatchError) return i;
  return c.ary[i];
}

function cSet(c: Container, key: string, val: unknown): JsonPatchError | undefined {
  if (c.kind === 'doc') {
    c.doc[key] = val;
    return undefined;
  }
  const i = arrayIndex(key, c.ary.length, true);
  if (i instanceof JsonPatchError) return i;
  c.ary[i] = val;
  return undefined;
}

function cAdd(c: Container, key: string, val: unknown): JsonPatchError | undefined {
  if (c.kind === 'doc') {
    c.doc[key] = val;
    return undefined;
  }
  if (key === '-') {
    c.ary.push(val);
    return undefined;
  }
  const idx = atoi(key);
  if (idx instanceof JsonPatchError) return new JsonPatchError(`value was not a proper array index: '${key}': ${idx.message}`);
  const sz = c.ary.length + 1;
  if (idx >= sz) return new JsonPatchError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  let i = idx;
  if (i < 0) {
    if (i < -sz) return new JsonPatchError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    i += sz;
  }
  c.ary.splice(i, 0, val);
  return undefined;
}

function cRemove(c: Container, key: string): JsonPatchError | undefined {
  if (c.kind === 'doc') {
    if (!Object.prototype.hasOwnProperty.call(c.doc, key)) return new JsonPatchError(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete c.doc[key];
    return undefined;
  }
  const i = arrayIndex(key, c.ary.length, false);
  if (i instanceof JsonPatchError) return i;
  c.ary.splice(i, 1);
  return undefined;
}

function findObject(root: unknown, path: string): { con: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc = containerOf(root);
  if (!doc) return undefined;
  for (const part of split.slice(1, -1)) {
    const next = cGet(doc, decodePatchKey(part));
    if (next instanceof JsonPatchError || next === undefined || next === null) return undefined;
    doc = containerOf(next);
    if (!doc) return undefined;
  }
  return { con: doc, key: decodePatchKey(split[split.length - 1]!) };
}

function wrap(msg: string, cause: Error | string): JsonPatchError {
  return new JsonPatchError(`${msg}: ${typeof cause === 'string' ? cause : cause.message}`);
}

/** Operation.Path()/From(): the string, or the error message. */
function stringField(op: JsonPatchOperation, field: 'path' | 'from'): string | JsonPatchError {
  const v = op[field];
  if (v === undefined || v === null) {
    return new JsonPatchError(field === 'path' ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}`);
  }
  if (typeof v !== 'string') return new JsonPatchError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  return v;
}

function opKind(op: JsonPatchOperation): string {
  const v = op['op'];
  return typeof v === 'string' ? v : 'unknown';
}

/** The value member: undefined when absent (Go: nil node), null when JSON null. Always a fresh copy. */
function opValue(op: JsonPatchOperation): unknown {
  if (!Object.prototype.hasOwnProperty.call(op, 'value')) return undefined;
  return deepClone(op['value']);
}

/** Bytes of Go's json.Marshal of a value (compact, HTML-escaped). */
function marshalledSize(v: unknown): number {
  const s = JSON.stringify(v === undefined ? null : v);
  let size = Buffer.byteLength(s, 'utf8');
  for (const ch of s) {
    if (ch === '<' || ch === '>' || ch === '&') size += 5;
    else if (ch === '\u2028' || ch === '\u2029') size += 3;
  }
  return size;
}

/**
 * Applies decoded operations to a copy of `doc`. Throws JsonPatchError with the library's message.
 * Returns the new document (normally an object; a root "replace" may yield an array).
 */
export function applyJsonPatchOperations(doc: unknown, ops: readonly JsonPatchOperation[], copySizeLimit = JSON_PATCH_MAX_COPY_BYTES): unknown {
  let root: unknown = deepClone(doc);
  let accumulatedCopySize = 0;
  const norm = (v: unknown) => (v === undefined ? null : v);

  for (const op of ops) {
    const kind = opKind(op);
    switch (kind) {
      case 'add': {
        const path = stringField(op, 'path');
        if (path instanceof JsonPatchError) throw new JsonPatchError(`add operation failed to decode path: ${MISSING}`);
        const f = findObject(root, path);
        if (!f) throw new JsonPatchError(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
        const e = cAdd(f.con, f.key, norm(opValue(op)));
        if (e) throw wrap(`error in add for path: '${path}'`, e);
        break;
      }
      case 'remove': {
        const path = stringField(op, 'path');
        if (path instanceof JsonPatchError) throw new JsonPatchError(`remove operation failed to decode path: ${MISSING}`);
        const f = findObject(root, path);
        if (!f) throw new JsonPatchError(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
        const e = cRemove(f.con, f.key);
        if (e) throw wrap(`error in remove for path: '${path}'`, e);
        break;
      }
      case 'replace': {
        const path = stringField(op, 'path');
        if (path instanceof JsonPatchError) throw wrap('replace operation failed to decode path', path);
        if (path === '') {
          // Only an object or array replaces the document; anything else is silently ignored
          // (the library wraps a nil error there).
          const v = opValue(op);
          if (isObject(v) || Array.isArray(v)) root = v;
          break;
        }
        const f = findObject(root, path);
        if (!f) throw new JsonPatchError(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
        const got = cGet(f.con, f.key);
        if (got instanceof JsonPatchError) throw new JsonPatchError(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
        const e = cSet(f.con, f.key, norm(opValue(op)));
        if (e) throw wrap(`error in remove for path: '${path}'`, e);
        break;
      }
      case 'move': {
        const from = stringField(op, 'from');
        if (from instanceof JsonPatchError) throw wrap('move operation failed to decode from', from);
        const f = findObject(root, from);
        if (!f) throw new JsonPatchError(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
        const val = cGet(f.con, f.key);
        if (val instanceof JsonPatchError) throw wrap(`error in move for path: '${f.key}'`, val);
        const e1 = cRemove(f.con, f.key);
        if (e1) throw wrap(`error in move for path: '${f.key}'`, e1);
        const path = stringField(op, 'path');
        if (path instanceof JsonPatchError) throw wrap('move operation failed to decode path', path);
        const t = findObject(root, path);
        if (!t) throw new JsonPatchError(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
        const e2 = cAdd(t.con, t.key, norm(val));
        if (e2) throw wrap(`error in move for path: '${path}'`, e2);
        break;
      }
      case 'test': {
        const path = stringField(op, 'path');
        if (path instanceof JsonPatchError) throw wrap('test operation failed to decode path', path);
        const expected = opValue(op);
        if (path === '') {
          if (expected !== undefined && deepEqual(root, expected)) break;
          throw new JsonPatchError(`testing value ${path} failed: ${TEST_FAILED}`);
        }
        const f = findObject(root, path);
        if (!f) throw new JsonPatchError(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
        const val = cGet(f.con, f.key);
        if (val instanceof JsonPatchError) throw wrap(`error in test for path: '${path}'`, val);
        if (val === undefined || val === null) {
          // a missing or null value matches only a null (or absent) value
          if (expected === null || expected === undefined) break;
          throw new JsonPatchError(`testing value ${path} failed: ${TEST_FAILED}`);
        }
        if (expected === undefined) throw new JsonPatchError(`testing value ${path} failed: ${TEST_FAILED}`);
        if (deepEqual(val, expected)) break;
        throw new JsonPatchError(`testing value ${path} failed: ${TEST_FAILED}`);
      }
      case 'copy': {
        const from = stringField(op, 'from');
        if (from instanceof JsonPatchError) throw wrap('copy operation failed to decode from', from);
        const f = findObject(root, from);
        if (!f) throw new JsonPatchError(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
        const val = cGet(f.con, f.key);
        if (val instanceof JsonPatchError) throw wrap(`error in copy for from: '${from}'`, val);
        const path = stringField(op, 'path');
        if (path instanceof JsonPatchError) throw new JsonPatchError(`copy operation failed to decode path: ${MISSING}`);
        const t = findObject(root, path);
        if (!t) throw new JsonPatchError(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
        // copying a missing object member copies null (the library deep-copies a nil node)
        const copied = deepClone(norm(val));
        accumulatedCopySize += copied === null ? 0 : marshalledSize(copied);
        if (copySizeLimit > 0 && accumulatedCopySize > copySizeLimit) {
          throw new JsonPatchError(
            `Unable to complete the copy, the accumulated size increase of copy is ${accumulatedCopySize}, exceeding the limit ${copySizeLimit}`,
          );
        }
        const e = cAdd(t.con, t.key, copied);
        if (e) throw wrap('error while adding value during copy', e);
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${kind}`);
    }
  }
  return root;
}
