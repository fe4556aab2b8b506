// Navigation over the Kubernetes OpenAPI v2 spec (data/openapi/v2/swagger.json): definitions,
// $ref resolution, property/item/additionalProperties schemas and the x-kubernetes-* extensions
// that strategic merge patch, server-side apply and field validation need.
import { readFileSync } from 'node:fs';
import { findDataDir } from '../../util/data-dir.js';
import { join } from 'node:path';

/** An OpenAPI v2 schema object, as it appears in swagger.json. */
export interface OpenAPISchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, OpenAPISchema>;
  items?: OpenAPISchema;
  additionalProperties?: OpenAPISchema | boolean;
  required?: string[];
  allOf?: OpenAPISchema[];
  enum?: unknown[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-unions'?: unknown[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [extension: string]: unknown;
}

export interface SwaggerDocument {
  swagger?: string;
  info?: unknown;
  paths?: Record<string, unknown>;
  definitions: Record<string, OpenAPISchema>;
  [key: string]: unknown;
}

export { findDataDir };

let swagger: SwaggerDocument | undefined;

/** The parsed OpenAPI v2 document (loaded on first use, then cached). */
export function openAPIV2(): SwaggerDocument {
  if (!swagger) {
    const text = readFileSync(join(findDataDir(), 'openapi', 'v2', 'swagger.json'), 'utf8');
    swagger = JSON.parse(text) as SwaggerDocument;
    if (!swagger.definitions) swagger.definitions = {};
  }
  return swagger;
}

/** The raw definition schema, e.g. definition("io.k8s.api.apps.v1.Deployment"). */
export function definition(name: string): OpenAPISchema | undefined {
  const defs = openAPIV2().definitions;
  return Object.prototype.hasOwnProperty.call(defs, name) ? defs[name] : undefined;
}

let gvkIndex: Map<string, string> | undefined;

/** The definition name declaring x-kubernetes-group-version-kind {group, version, kind}. */
export function definitionForGVK(group: string, version: string, kind: string): string | undefined {
  if (!gvkIndex) {
    gvkIndex = new Map();
    for (const [name, s] of Object.entries(openAPIV2().definitions)) {
      for (const gvk of s['x-kubernetes-group-version-kind'] ?? []) {
        const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
        // the first definition declaring a GVK wins (only meta types such as DeleteOptions declare many)
        if (!gvkIndex.has(key)) gvkIndex.set(key, name);
      }
    }
  }
  return gvkIndex.get(`${group}/${version}/${kind}`);
}

function refName(ref: string): string {
  const prefix = '#/definitions/';
  return ref.startsWith(prefix) ? ref.slice(prefix.length) : ref;
}

export type SchemaKind = 'struct' | 'map' | 'array' | 'scalar' | 'any';

/**
 * A position in the schema tree. `raw` is the schema as written where it is used (a property may
 * be a $ref carrying its own x-kubernetes-* extensions); `schema` is the resolved schema.
 */
export class SchemaNode {
  readonly raw: OpenAPISchema;
  readonly schema: OpenAPISchema;
  /** Definition name when this node was reached through a $ref (or is a definition). */
  readonly definitionName: string | undefined;

  /** Where $refs resolve: the kube OpenAPI v2 definitions unless another document's are given. */
  readonly definitions: Record<string, OpenAPISchema> | undefined;

  constructor(raw: OpenAPISchema, definitionName?: string, definitions?: Record<string, OpenAPISchema>) {
    this.raw = raw;
    this.definitions = definitions;
    let s = raw;
    let name = definitionName;
    const seen = new Set<string>();
    for (;;) {
      let ref = s.$ref;
      if (!ref && s.allOf && s.allOf.length === 1 && s.allOf[0]!.$ref) ref = s.allOf[0]!.$ref;
      if (!ref) break;
      const n = refName(ref);
      if (seen.has(n)) break;
      seen.add(n);
      const d = this.definitions ? (Object.prototype.hasOwnProperty.call(this.definitions, n) ? this.definitions[n] : undefined) : definition(n);
      if (!d) break;
      s = d;
      name = n;
    }
    this.schema = s;
    this.definitionName = name;
  }

  /** The JSON type declared ("object", "array", "string", "integer", "number", "boolean"), if any. */
  get type(): string | undefined {
    const t = this.schema.type;
    return Array.isArray(t) ? t[0] : t;
  }

  /** How Go models this schema: a struct (fixed fields), a map, a slice, a scalar, or free-form. */
  get kind(): SchemaKind {
    const s = this.schema;
    const t = this.type;
    if (t === 'array' || s.items) return 'array';
    if (s.properties) return 'struct';
    if (s.additionalProperties !== undefined && s.additionalProperties !== false) return 'map';
    if (t === 'object') return this.definitionName ? 'struct' : 'map';
    if (t === 'string' || t === 'integer' || t === 'number' || t === 'boolean') return 'scalar';
    // {} definitions such as apiextensions JSON are Go structs holding raw JSON
    return this.definitionName ? 'struct' : 'any';
  }

  /** The Go type name kube would print for this schema (last segment of the definition name). */
  get goName(): string {
    if (this.definitionName) {
      const i = this.definitionName.lastIndexOf('.');
      return i >= 0 ? this.definitionName.slice(i + 1) : this.definitionName;
    }
    return '';
  }

  // Child nodes, built on first use: every request body walks the same schema positions (schemas are not
  // changed once loaded).
  private names: readonly string[] | undefined;
  private props: Map<string, SchemaNode> | undefined;
  private itemsNode: SchemaNode | null | undefined;
  private valuesNode: SchemaNode | null | undefined;

  /** Property names of a struct schema. */
  get propertyNames(): readonly string[] {
    return (this.names ??= Object.keys(this.schema.properties ?? {}));
  }

  property(name: string): SchemaNode | undefined {
    const p = this.schema.properties;
    if (!p || !Object.prototype.hasOwnProperty.call(p, name)) return undefined;
    this.props ??= new Map();
    let n = this.props.get(name);
    if (n === undefined) {
      n = new SchemaNode(p[name]!, undefined, this.definitions);
      this.props.set(name, n);
    }
    return n;
  }

  items(): SchemaNode | undefined {
    if (this.itemsNode === undefined) this.itemsNode = this.schema.items ? new SchemaNode(this.schema.items, undefined, this.definitions) : null;
    return this.itemsNode ?? undefined;
  }

  additionalProperties(): SchemaNode | undefined {
    if (this.valuesNode === undefined) {
      const ap = this.schema.additionalProperties;
      this.valuesNode = ap === undefined || ap === false ? null : new SchemaNode(ap === true ? {} : ap, undefined, this.definitions);
    }
    return this.valuesNode ?? undefined;
  }

  /** The schema of a map value or struct field named `key` (property first, then additionalProperties). */
  child(key: string): SchemaNode | undefined {
    return this.property(key) ?? this.additionalProperties();
  }

  /** Walks a path of property names; "[]" or a numeric segment steps into list items. */
  at(path: readonly (string | number)[]): SchemaNode | undefined {
    let cur: SchemaNode | undefined = this as SchemaNode;
    for (const seg of path) {
      if (!cur) return undefined;
      if (typeof seg === 'number' || seg === '[]') cur = cur.items();
      else cur = cur.child(seg);
    }
    return cur;
  }

  /** An extension from the use site, falling back to the resolved definition. */
  extension<T = unknown>(name: string): T | undefined {
    if (this.raw[name] !== undefined) return this.raw[name] as T;
    return this.schema[name] as T | undefined;
  }

  get patchStrategy(): string | undefined {
    return this.extension<string>('x-kubernetes-patch-strategy');
  }
  /** The patch strategies, split on "," (e.g. ["merge", "retainKeys"]); [] when none. */
  get patchStrategies(): string[] {
    const s = this.patchStrategy;
    return s ? s.split(',') : [];
  }
  get patchMergeKey(): string | undefined {
    return this.extension<string>('x-kubernetes-patch-merge-key');
  }
  get listType(): string | undefined {
    return this.extension<string>('x-kubernetes-list-type');
  }
  get listMapKeys(): string[] | undefined {
    return this.extension<string[]>('x-kubernetes-list-map-keys');
  }
  get mapType(): string | undefined {
    return this.extension<string>('x-kubernetes-map-type');
  }
}

const nodeCache = new Map<string, SchemaNode | undefined>();

/** The schema node of a definition, e.g. schemaFor("io.k8s.api.apps.v1.Deployment"); undefined if unknown. */
export function schemaFor(definitionName: string): SchemaNode | undefined {
  if (!nodeCache.has(definitionName)) {
    const d = definition(definitionName);
    nodeCache.set(definitionName, d ? new SchemaNode(d, definitionName) : undefined);
  }
  return nodeCache.get(definitionName);
}

/** A schema node over another OpenAPI v2 document's definitions (tests, aggregated or custom schemas). */
export function schemaFromDefinitions(definitions: Record<string, OpenAPISchema>, definitionName: string): SchemaNode | undefined {
  const d = Object.prototype.hasOwnProperty.call(definitions, definitionName) ? definitions[definitionName] : undefined;
  return d ? new SchemaNode(d, definitionName, definitions) : undefined;
}
