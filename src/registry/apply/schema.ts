// The type model server-side apply walks (structured-merge-diff's schema.Atom: scalar / list / map,
// with element relationships), and the resolvers that build it: from the built-in OpenAPI v2
// definitions (as kube-openapi's schemaconv converts them) and from a CRD's structural schema.
import type { JsonObject, JsonValue } from '../../api/types.js';
import { SchemaNode, schemaFor, type OpenAPISchema } from '../patch/schema.js';
import { KEY_DEFAULTS, ZERO_FIELDS, shortDefinitionName } from './type-data.js';

export type ScalarType = 'numeric' | 'string' | 'boolean' | 'untyped';

/** A list: atomic (replaced as a whole) or associative (items identified by key fields, or by value when `keys` is empty). */
export interface ListType {
  readonly atomic: boolean;
  readonly keys: readonly string[];
  elementType(): TypeNode;
}

/** A struct or map: granular (fields owned separately) or atomic. */
export interface MapType {
  readonly atomic: boolean;
  /** The type of a declared (struct) field, undefined when `name` is not declared. */
  field(name: string): TypeNode | undefined;
  /** The type of undeclared keys (a map's values); undefined when the schema allows none. */
  elementType(): TypeNode | undefined;
  /** The default of a declared field (used for associative-list keys the item omits). */
  fieldDefault(name: string): JsonValue | undefined;
}

/** One type: any combination of scalar, list and map (an untyped node allows all three). */
export interface TypeNode {
  readonly scalar?: ScalarType;
  readonly list?: ListType;
  readonly map?: MapType;
}

/**
 * What server-side apply needs to know about a kind. Built-in types implement it over the
 * OpenAPI v2 definitions (builtinTypeResolver); CRDs over their structural schema
 * (structuralTypeResolver).
 */
export interface TypeResolver {
  /** The type of the whole object. */
  readonly root: TypeNode;
  /** The kind, when known (apply checks the applied object's kind against it). */
  readonly kind?: string;
  /**
   * The object kube compares a created object against: the Go zero value of the type as
   * structured-merge-diff sees it (non-pointer structs present as {}), {} for custom resources.
   * A fresh copy on each call.
   */
  emptyObject(): JsonObject;
}

// ---------------------------------------------------------------------------------------------
// Common nodes (kube-openapi's __untyped_atomic_ and __untyped_deduced_)

const untypedList: ListType = { atomic: true, keys: [], elementType: () => UNTYPED_ATOMIC };
const untypedAtomicMap: MapType = {
  atomic: true,
  field: () => undefined,
  elementType: () => UNTYPED_ATOMIC,
  fieldDefault: () => undefined,
};
const deducedMap: MapType = {
  atomic: false,
  field: () => undefined,
  elementType: () => DEDUCED,
  fieldDefault: () => undefined,
};

export const UNTYPED_ATOMIC: TypeNode = { scalar: 'untyped', list: untypedList, map: untypedAtomicMap };
/** Free-form data: scalars, atomic lists, granular maps of more free-form data. */
export const DEDUCED: TypeNode = { scalar: 'untyped', list: untypedList, map: deducedMap };

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

function refOf(raw: OpenAPISchema): string | undefined {
  let ref = raw.$ref;
  if (!ref && raw.allOf && raw.allOf.length === 1 && raw.allOf[0]!.$ref) ref = raw.allOf[0]!.$ref;
  if (!ref) return undefined;
  const i = ref.lastIndexOf('/');
  return i >= 0 ? ref.slice(i + 1) : ref;
}

function firstType(s: OpenAPISchema): string {
  const t = s.type;
  return (Array.isArray(t) ? t[0] : t) ?? '';
}

/**
 * Converts OpenAPI schemas to TypeNodes following kube-openapi's schemaconv (ToSchemaFromOpenAPI):
 * list relationships from x-kubernetes-list-type, else from the patch strategy (merge with a merge
 * key → associative map list, merge without → set, otherwise atomic); map relationships from
 * x-kubernetes-map-type (a use site may override its definition's); objects without properties
 * hold free-form data.
 */
class Converter {
  private readonly defs = new Map<string, TypeNode>();

  constructor(
    private readonly definitions: Record<string, OpenAPISchema> | undefined,
    private readonly builtin: boolean,
  ) {}

  private definition(name: string): OpenAPISchema | undefined {
    if (this.definitions) return Object.prototype.hasOwnProperty.call(this.definitions, name) ? this.definitions[name] : undefined;
    return schemaFor(name)?.schema;
  }

  named(name: string, preserveUnknown: boolean): TypeNode {
    const cacheKey = preserveUnknown ? `${name}\u0000p` : name;
    const cached = this.defs.get(cacheKey);
    if (cached) return cached;
    if (name === QUANTITY) return this.cache(cacheKey, { scalar: 'untyped' });
    if (name === RAW_EXTENSION) return this.cache(cacheKey, UNTYPED_ATOMIC);
    const d = this.definition(name);
    if (!d) return this.cache(cacheKey, DEDUCED);
    // placeholder for recursive definitions (JSONSchemaProps): filled in below
    const node: { scalar?: ScalarType; list?: ListType; map?: MapType } = {};
    this.defs.set(cacheKey, node);
    Object.assign(node, this.parse(d, preserveUnknown, name));
    return node;
  }

  private cache(key: string, node: TypeNode): TypeNode {
    this.defs.set(key, node);
    return node;
  }

  /** The node for a schema as written at its use site (a $ref, possibly with a map-type override). */
  node(raw: OpenAPISchema, preserveUnknown: boolean): TypeNode {
    const ref = refOf(raw);
    if (ref) {
      const base = this.named(ref, preserveUnknown);
      const mt = raw['x-kubernetes-map-type'];
      if ((mt === 'atomic' || mt === 'granular') && base.map && base.map.atomic !== (mt === 'atomic')) {
        const m = base.map;
        return { ...base, map: { atomic: mt === 'atomic', field: (n) => m.field(n), elementType: () => m.elementType(), fieldDefault: (n) => m.fieldDefault(n) } };
      }
      return base;
    }
    return this.parse(raw, preserveUnknown, undefined);
  }

  private parse(s: OpenAPISchema, preserveUnknownIn: boolean, defName: string | undefined): TypeNode {
    const preserveUnknown = preserveUnknownIn || s['x-kubernetes-preserve-unknown-fields'] === true;
    if (s['x-kubernetes-int-or-string'] === true) return { scalar: 'untyped' };
    const typ = firstType(s);
    switch (typ) {
      case '':
        if (!s.properties && !s.items && s.additionalProperties === undefined && preserveUnknown) return DEDUCED;
        return { scalar: 'untyped', list: this.list(s, preserveUnknown), map: this.object(s, preserveUnknown, defName) };
      case 'object':
        return { map: this.object(s, preserveUnknown, defName) };
      case 'array':
        return { list: this.list(s, preserveUnknown) };
      case 'integer':
      case 'number':
        return { scalar: 'numeric' };
      case 'boolean':
        return { scalar: 'boolean' };
      case 'string':
        return { scalar: !s.format || s.format === 'byte' ? 'string' : 'untyped' };
      default:
        return { scalar: 'untyped' };
    }
  }

  private object(s: OpenAPISchema, preserveUnknown: boolean, defName: string | undefined): MapType {
    const props = s.properties ?? {};
    const hasProps = Object.keys(props).length > 0;
    const fieldCache = new Map<string, TypeNode>();
    const ap = s.additionalProperties;
    let element: (() => TypeNode | undefined) | undefined;
    if (ap === undefined) element = preserveUnknown || !hasProps ? () => DEDUCED : () => undefined;
    else if (ap === true) element = () => DEDUCED;
    else if (ap === false) element = () => undefined;
    else {
      let cached: TypeNode | undefined;
      element = () => (cached ??= this.node(ap, preserveUnknown));
    }
    const builtin = this.builtin;
    return {
      atomic: s['x-kubernetes-map-type'] === 'atomic',
      field: (name) => {
        if (!Object.prototype.hasOwnProperty.call(props, name)) return undefined;
        let n = fieldCache.get(name);
        if (!n) {
          n = this.node(props[name]!, preserveUnknown);
          fieldCache.set(name, n);
        }
        return n;
      },
      elementType: element,
      fieldDefault: (name) => {
        if (!Object.prototype.hasOwnProperty.call(props, name)) return undefined;
        const d = props[name]!.default;
        if (d !== undefined) return d as JsonValue;
        if (builtin && defName) {
          const k = `${shortDefinitionName(defName)}.${name}`;
          if (Object.prototype.hasOwnProperty.call(KEY_DEFAULTS, k)) return KEY_DEFAULTS[k];
        }
        return undefined;
      },
    };
  }

  private list(s: OpenAPISchema, preserveUnknown: boolean): ListType {
    let atomic = true;
    let keys: string[] = [];
    const lt = s['x-kubernetes-list-type'];
    if (lt !== undefined) {
      if (lt === 'set') atomic = false;
      else if (lt === 'map') {
        atomic = false;
        keys = [...(s['x-kubernetes-list-map-keys'] ?? [])];
      }
    } else {
      const ps = s['x-kubernetes-patch-strategy'];
      if (ps === 'merge' || ps === 'merge,retainKeys') {
        atomic = false;
        const mk = s['x-kubernetes-patch-merge-key'];
        if (typeof mk === 'string') keys = [mk];
      }
    }
    const items = s.items;
    let cached: TypeNode | undefined;
    return {
      atomic,
      keys,
      elementType: () => (cached ??= items ? this.node(items, preserveUnknown) : UNTYPED_ATOMIC),
    };
  }
}

const builtinConverter = new Converter(undefined, true);
const builtinResolvers = new Map<string, TypeResolver>();

/** The zero value of a built-in definition (see ZERO_FIELDS). */
function zeroOf(defName: string, depth = 0): JsonObject {
  const out: JsonObject = {};
  // metav1.Time is a struct Go serializes as null when zero
  if (defName === OBJECT_META) out['creationTimestamp'] = null;
  const spec = ZERO_FIELDS[shortDefinitionName(defName)];
  if (!spec || depth > 20) return out;
  const node = schemaFor(defName);
  for (const entry of spec.split(' ')) {
    if (entry.endsWith('?')) {
      out[entry.slice(0, -1)] = null;
      continue;
    }
    const child = node?.property(entry)?.definitionName;
    out[entry] = child ? zeroOf(child, depth + 1) : {};
  }
  return out;
}

/**
 * The TypeResolver of a built-in kind from its OpenAPI v2 definition name, e.g.
 * builtinTypeResolver("io.k8s.api.apps.v1.Deployment"). An unknown definition resolves to
 * free-form data.
 */
export function builtinTypeResolver(definition: string): TypeResolver {
  let r = builtinResolvers.get(definition);
  if (r) return r;
  const node: SchemaNode | undefined = schemaFor(definition);
  const gvk = node?.schema['x-kubernetes-group-version-kind']?.[0];
  const root = node ? builtinConverter.named(definition, false) : DEDUCED;
  let zero: JsonObject | undefined;
  r = {
    root,
    ...(gvk ? { kind: gvk.kind } : {}),
    emptyObject: () => structuredClone((zero ??= node ? zeroOf(definition) : {})),
  };
  builtinResolvers.set(definition, r);
  return r;
}

/**
 * A TypeResolver over a CRD version's structural schema (openAPIV3Schema). metadata is typed as
 * ObjectMeta, apiVersion and kind as strings, as kube does for custom resources.
 */
export function structuralTypeResolver(schema: OpenAPISchema, kind?: string): TypeResolver {
  const conv = new Converter({}, false);
  const base = conv.node(schema, false);
  const baseMap = base.map;
  const meta = builtinConverter.named(OBJECT_META, false);
  const str: TypeNode = { scalar: 'string' };
  const rootMap: MapType = {
    atomic: false,
    field: (name) => {
      if (name === 'metadata') return meta;
      if (name === 'apiVersion' || name === 'kind') return str;
      return baseMap ? baseMap.field(name) : undefined;
    },
    elementType: () => (baseMap ? baseMap.elementType() : DEDUCED),
    fieldDefault: (name) => baseMap?.fieldDefault(name),
  };
  return { root: { map: rootMap }, ...(kind ? { kind } : {}), emptyObject: () => ({}) };
}
