// Kube decodes every write into Go structs and encodes them again, so fields tagged omitempty vanish
// when they hold a zero value ("" / 0 / false / empty map or slice / null) and Go pointer fields keep
// explicit zeros. This reproduces that round trip on JSON objects, from the OpenAPI schema (structure)
// and the Go struct facts in data/proto/k8s.io/go-field-facts.json (which fields keep zero values).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isObject } from '../api/types.js';
import { DATA_DIR } from '../util/data-dir.js';
import { schemaFor, type SchemaNode } from './patch/schema.js';

interface FactsFile {
  messages: Record<string, Record<string, string>>;
}

/** Per OpenAPI definition: JSON field name → true when Go keeps its zero value. */
let keepIndex: Map<string, Set<string>> | undefined;

function protoToDefinition(proto: string): string {
  return proto
    .replace(/^k8s\.io\./, 'io.k8s.')
    .replace('apiextensions_apiserver', 'apiextensions-apiserver')
    .replace('kube_aggregator', 'kube-aggregator');
}

function index(): Map<string, Set<string>> {
  if (keepIndex) return keepIndex;
  const facts = JSON.parse(readFileSync(join(DATA_DIR, 'proto', 'k8s.io', 'go-field-facts.json'), 'utf8')) as FactsFile;
  keepIndex = new Map();
  for (const [msg, fields] of Object.entries(facts.messages)) {
    const keep = new Set<string>();
    for (const [field, flags] of Object.entries(fields)) {
      const renamed = /=([^,]+)/.exec(flags);
      if (flags.includes('k')) keep.add(renamed ? renamed[1]! : field);
    }
    keepIndex.set(protoToDefinition(msg), keep);
  }
  return keepIndex;
}

// Types with custom JSON marshalling: leave their contents alone.
const OPAQUE = /JSONSchemaProps|\.JSON$|RawExtension|FieldsV1|\.Time$|MicroTime|Quantity|IntOrString|Duration/;

function isZero(v: unknown, node: SchemaNode): boolean {
  if (v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return node.kind === 'map' && Object.keys(v).length === 0;
  return false;
}

function walk(v: unknown, node: SchemaNode | undefined, depth: number): void {
  if (!node || depth > 64 || v === null || typeof v !== 'object') return;
  if (node.definitionName && OPAQUE.test(node.definitionName)) return;
  if (Array.isArray(v)) {
    const items = node.items();
    for (const item of v) walk(item, items, depth + 1);
    return;
  }
  if (node.kind === 'map') {
    const child = node.additionalProperties();
    for (const val of Object.values(v)) walk(val, child, depth + 1);
    return;
  }
  if (node.kind !== 'struct') return;
  const keep = node.definitionName ? index().get(node.definitionName) : undefined;
  const obj = v as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const child = node.property(key);
    if (!child) continue;
    const val = obj[key];
    if (!keep?.has(key) && isZero(val, child)) {
      delete obj[key];
      continue;
    }
    walk(val, child, depth + 1);
  }
}

/** Normalize obj (in place) as a decode/encode round trip through kube's Go types would. */
export function normalizeGoJson(obj: Record<string, unknown>, definition: string | undefined): void {
  if (!definition) return;
  const root = schemaFor(definition);
  if (root) walk(obj, root, 0);
}
