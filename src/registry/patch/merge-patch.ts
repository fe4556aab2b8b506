// RFC 7386 JSON merge patch as kube-apiserver 1.32 applies it: jsonpatch.MergePatch from
// gopkg.in/evanphx/json-patch.v4, preceded (fieldValidation Warn/Strict, the default Warn) by a
// decode of the body into map[string]interface{} (k8s.io/apiserver/pkg/endpoints/handlers/patch.go).
import type { KObject } from '../../api/types.js';
import { badRequest, invalid } from '../../api/errors.js';
import { fieldErr } from '../../api/field-errors.js';
import { GoJsonError, decodeBody, deepClone, isObject, jsonKind } from './gojson.js';
import type { PatchOptions } from './json-patch.js';

/** jsonpatch.ErrBadJSONPatch */
const BAD_JSON_PATCH = 'Invalid JSON Patch';

/** Applies a JSON merge patch to a copy of `doc`; throws kube's StatusError on failure. */
export function applyMergePatch(doc: KObject, patch: unknown, opts: PatchOptions = {}): KObject {
  const strict = (opts.fieldValidation ?? 'Warn') !== 'Ignore';
  let p: unknown;
  try {
    p = decodeBody(patch);
  } catch (e) {
    if (e instanceof GoJsonError) throw badRequest(strict ? `error decoding patch: ${e.message}` : BAD_JSON_PATCH);
    throw e;
  }
  if (strict && p !== null && !isObject(p)) {
    throw badRequest(`error decoding patch: json: cannot unmarshal ${jsonKind(p)} into Go value of type map[string]interface {}`);
  }
  if (p === null) throw badRequest(BAD_JSON_PATCH);
  if (Array.isArray(p)) {
    // The library returns the (null-pruned) array itself as the document, which then fails to decode.
    const arr = deepClone(p);
    pruneNulls(arr);
    throw invalid('', '', '', [
      fieldErr.invalid('patch', JSON.stringify(arr), 'json: cannot unmarshal array into Go value of type map[string]interface {}'),
    ]);
  }
  if (!isObject(p)) throw badRequest(BAD_JSON_PATCH);
  const result = deepClone(doc) as Record<string, unknown>;
  mergeDocs(result, deepClone(p));
  return result as KObject;
}

/** The RFC 7386 merge of `patch` into `target` (both plain JSON values), with the library's quirks. */
export function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepClone(patch);
  if (!isObject(target)) {
    const p = deepClone(patch);
    pruneNulls(p);
    return p;
  }
  const t = deepClone(target);
  mergeDocs(t, deepClone(patch));
  return t;
}

function merge(cur: unknown, patch: unknown): unknown {
  if (!isObject(cur)) {
    pruneNulls(patch);
    return patch;
  }
  if (!isObject(patch)) return patch; // not pruned: the library returns it as it is
  mergeDocs(cur, patch);
  return cur;
}

function mergeDocs(doc: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined) {
      delete doc[k];
      continue;
    }
    const cur = Object.prototype.hasOwnProperty.call(doc, k) ? doc[k] : undefined;
    if (cur === undefined || cur === null) {
      pruneNulls(v);
      doc[k] = v;
    } else {
      doc[k] = merge(cur, v);
    }
  }
}

/** Removes null members of objects, recursively; nulls inside arrays are kept. */
function pruneNulls(n: unknown): void {
  if (isObject(n)) {
    for (const [k, v] of Object.entries(n)) {
      if (v === null || v === undefined) delete n[k];
      else pruneNulls(v);
    }
  } else if (Array.isArray(n)) {
    for (const v of n) if (v !== null) pruneNulls(v);
  }
}
