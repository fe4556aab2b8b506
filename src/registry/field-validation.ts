// Unknown and duplicate fields in request bodies (kube's fieldValidation=Strict|Warn|Ignore). Kube
// decodes bodies into typed structs, which drops unknown fields; Strict turns them into a 400,
// Warn into Warning headers.
import { badRequest } from '../api/errors.js';
import { isObject } from '../api/types.js';
import { schemaFor, type SchemaNode } from './patch/schema.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function walk(v: unknown, node: SchemaNode | undefined, path: string, out: string[]): void {
  if (!node || v === null || v === undefined) return;
  if (node.extension('x-kubernetes-preserve-unknown-fields') === true) return;
  switch (node.kind) {
    case 'struct': {
      if (!isObject(v)) return;
      const props = node.propertyNames;
      if (props.length === 0) return; // raw JSON holders (apiextensions JSON, RawExtension)
      for (const key of Object.keys(v)) {
        const child = node.property(key);
        if (!child) {
          out.push(join(path, key));
          delete v[key];
          continue;
        }
        walk(v[key], child, join(path, key), out);
      }
      return;
    }
    case 'map': {
      if (!isObject(v)) return;
      const child = node.additionalProperties();
      if (!child) return;
      for (const key of Object.keys(v)) walk(v[key], child, join(path, key), out);
      return;
    }
    case 'array': {
      if (!Array.isArray(v)) return;
      const child = node.items();
      v.forEach((item, i) => walk(item, child, `${path}[${i}]`, out));
      return;
    }
    default:
      return;
  }
}

/** Drops fields the kind's schema does not declare from obj (in place) and returns their paths. */
export function pruneUnknownFields(obj: Record<string, unknown>, definition: string | undefined): string[] {
  if (!definition) return [];
  const root = schemaFor(definition);
  if (!root) return [];
  const out: string[] = [];
  walk(obj, root, '', out);
  return out;
}

/** Applies the fieldValidation directive: 400 in Strict mode, warnings in Warn mode. */
export function enforceFieldValidation(mode: FieldValidation, unknown: string[], duplicates: string[], warnings: string[] | undefined): void {
  if (mode === 'Ignore' || (unknown.length === 0 && duplicates.length === 0)) return;
  const problems = [...duplicates.map((d) => `duplicate field "${d}"`), ...unknown.map((u) => `unknown field "${u}"`)];
  if (mode === 'Strict') throw badRequest(`strict decoding error: ${problems.join(', ')}`);
  warnings?.push(...problems);
}

/** Paths of keys that appear twice in one JSON object of the text (JSON.parse silently keeps the last). */
export function duplicateJsonFields(text: string): string[] {
  const out: string[] = [];
  // The path to the current value, one segment per level; joined only when a duplicate is found.
  const segs: string[] = [];
  let i = 0;
  const n = text.length;
  const ws = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++i));
  };
  /** Moves i past the string starting at i (a quote). */
  const skipString = (): void => {
    let j = text.indexOf('"', i + 1);
    for (;;) {
      if (j < 0) {
        i = n;
        return;
      }
      let k = j - 1;
      while (text.charCodeAt(k) === 92) k--;
      // An even number of backslashes before the quote: it ends the string.
      if ((j - 1 - k) % 2 === 0) break;
      j = text.indexOf('"', j + 1);
    }
    i = j + 1;
  };
  const key = (): string => {
    const start = i;
    skipString();
    const raw = text.slice(start + 1, i - 1);
    if (!raw.includes('\\')) return raw;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return raw;
    }
  };
  const pathOf = (): string => {
    let p = '';
    for (const s of segs) p = s.startsWith('[') || p === '' ? p + s : `${p}.${s}`;
    return p;
  };
  const value = (depth: number): void => {
    ws();
    if (depth > 200) return;
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) {
      i++;
      let seen: Set<string> | undefined;
      let first: string | undefined;
      ws();
      if (text.charCodeAt(i) === 125) {
        i++;
        return;
      }
      while (i < n) {
        ws();
        if (text.charCodeAt(i) !== 34) return;
        const k = key();
        segs.push(k);
        // Most objects are small: a Set only from the second key on.
        if (first === undefined) first = k;
        else {
          seen ??= new Set([first]);
          if (seen.has(k)) out.push(pathOf());
          seen.add(k);
        }
        ws();
        if (text.charCodeAt(i) !== 58) {
          segs.pop();
          return;
        }
        i++;
        value(depth + 1);
        segs.pop();
        ws();
        const d = text.charCodeAt(i);
        if (d === 44) {
          i++;
          continue;
        }
        if (d === 125) i++;
        return;
      }
    } else if (c === 91 /* [ */) {
      i++;
      let idx = 0;
      ws();
      if (text.charCodeAt(i) === 93) {
        i++;
        return;
      }
      while (i < n) {
        segs.push(`[${idx++}]`);
        value(depth + 1);
        segs.pop();
        ws();
        const d = text.charCodeAt(i);
        if (d === 44) {
          i++;
          continue;
        }
        if (d === 93) i++;
        return;
      }
    } else if (c === 34) {
      skipString();
    } else {
      for (let d = text.charCodeAt(i); i < n && d !== 44 && d !== 125 && d !== 93 && d !== 32 && d !== 10 && d !== 13 && d !== 9; d = text.charCodeAt(++i));
    }
  };
  value(0);
  return out;
}
