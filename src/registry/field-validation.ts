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
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const value = (path: string, depth: number): void => {
    ws();
    if (depth > 200) return;
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      while (i < n) {
        ws();
        if (text[i] !== '"') return;
        const key = str();
        const p = path ? `${path}.${key}` : key;
        if (seen.has(key)) out.push(p);
        seen.add(key);
        ws();
        if (text[i] !== ':') return;
        i++;
        value(p, depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') i++;
        return;
      }
    } else if (c === '[') {
      i++;
      let idx = 0;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      while (i < n) {
        value(`${path}[${idx++}]`, depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') i++;
        return;
      }
    } else if (c === '"') {
      str();
    } else {
      while (i < n && !',}] \n\r\t'.includes(text[i]!)) i++;
    }
  };
  value('', 0);
  return out;
}
