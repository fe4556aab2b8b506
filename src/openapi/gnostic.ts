// JSON OpenAPI document → gnostic protobuf (openapi.v2.Document / openapi.v3.Document), following the rules of
// github.com/google/gnostic-models v0.6.8 openapiv2/OpenAPIv2.go and openapiv3/OpenAPIv3.go (NewDocument …):
//  - message fields map to the camelCase JSON key of the snake_case proto field name, `_ref` ↔ `$ref`;
//  - `vendor_extension` / `specification_extension` collect the `x-*` keys as NamedAny;
//  - `repeated Named* additional_properties` turn a JSON object into (name, value) pairs in key order;
//    `Paths.path` takes keys starting with "/", v2 `Responses.response_code` keys ^([0-9]{3})$|^(default)$,
//    v3 `Responses.response_or_reference` keys ^([0-9X]{3})$;
//  - `Any` holds the value re-serialised as YAML (here: JSON text, which is valid YAML) in `yaml`;
//  - oneof wrappers (ParametersItem, Parameter, NonBodyParameter, ResponseValue, SchemaItem, *OrReference, …)
//    pick the alternative the gnostic parser would accept; v2 `TypeItem` takes a string or string array;
//    `ItemsItem` wraps one schema; v3 `DefaultType` keeps only scalar defaults;
//  - proto3 zero values are left out, as Go's proto.Marshal does.
import { createRequire } from 'node:module';
import type * as ProtobufNS from 'protobufjs';

// Loaded on first use: protobufjs is not needed to start the server.
const requireCjs = createRequire(import.meta.url);
let pb: typeof ProtobufNS | undefined;
function protobufLib(): typeof ProtobufNS {
  pb ??= requireCjs('protobufjs') as typeof ProtobufNS;
  return pb;
}
import { join } from 'node:path';
import { findDataDir } from './data-dir.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A protobufjs-encodable plain message object. */
export type ProtoMessage = { [field: string]: unknown };

let v2Type: ProtobufNS.Type | undefined;
let v3Type: ProtobufNS.Type | undefined;

function loadType(rel: string, name: string): ProtobufNS.Type {
  const root = new (protobufLib().Root)();
  root.loadSync(join(findDataDir(), 'proto', rel), { keepCase: true });
  root.resolveAll();
  return root.lookupType(name);
}

/** The gnostic openapi.v2.Document message type (loaded lazily from data/proto). */
export function openAPIv2DocumentType(): ProtobufNS.Type {
  v2Type ??= loadType('github.com/google/gnostic-models/openapiv2/OpenAPIv2.proto', 'openapi.v2.Document');
  return v2Type;
}

/** The gnostic openapi.v3.Document message type (loaded lazily from data/proto). */
export function openAPIv3DocumentType(): ProtobufNS.Type {
  v3Type ??= loadType('github.com/google/gnostic-models/openapiv3/OpenAPIv3.proto', 'openapi.v3.Document');
  return v3Type;
}

function isObject(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function jsonKey(field: ProtobufNS.Field): string {
  return field.name === '_ref' ? '$ref' : camel(field.name);
}

const RESPONSE_CODE_V2 = /^([0-9]{3})$|^(default)$/;
const RESPONSE_CODE_V3 = /^([0-9X]{3})$/;

function namedKeys(fieldName: string, obj: { [key: string]: JsonValue }): string[] {
  const keys = Object.keys(obj);
  switch (fieldName) {
    case 'vendor_extension':
    case 'specification_extension':
      return keys.filter((k) => k.startsWith('x-'));
    case 'path':
      return keys.filter((k) => k.startsWith('/'));
    case 'response_code':
      return keys.filter((k) => RESPONSE_CODE_V2.test(k));
    case 'response_or_reference':
      return keys.filter((k) => RESPONSE_CODE_V3.test(k));
    default:
      return keys;
  }
}

function anyValue(v: JsonValue): ProtoMessage {
  return { yaml: JSON.stringify(v) + '\n' };
}

function fieldByName(t: ProtobufNS.Type, name: string): ProtobufNS.Field | undefined {
  return t.fields[name];
}

/** Which oneof alternative gnostic's parser ends up with for this JSON value. */
function chooseOneof(t: ProtobufNS.Type, v: JsonValue): ProtobufNS.Field | undefined {
  const has = (name: string): ProtobufNS.Field | undefined => fieldByName(t, name);
  const obj = isObject(v) ? v : undefined;
  switch (t.name) {
    case 'AdditionalPropertiesItem':
      if (typeof v === 'boolean') return has('boolean');
      return obj ? (has('schema') ?? has('schema_or_reference')) : undefined;
    case 'Parameter':
      if (!obj) return undefined;
      return obj['in'] === 'body' ? has('body_parameter') : has('non_body_parameter');
    case 'NonBodyParameter':
      if (!obj) return undefined;
      switch (obj['in']) {
        case 'header':
          return has('header_parameter_sub_schema');
        case 'formData':
          return has('form_data_parameter_sub_schema');
        case 'query':
          return has('query_parameter_sub_schema');
        case 'path':
          return has('path_parameter_sub_schema');
        default:
          return undefined;
      }
    case 'SchemaItem':
      if (!obj) return undefined;
      return obj['type'] === 'file' ? has('file_schema') : has('schema');
    case 'SecurityDefinitionsItem': {
      if (!obj) return undefined;
      if (obj['type'] === 'basic') return has('basic_authentication_security');
      if (obj['type'] === 'apiKey') return has('api_key_security');
      if (obj['type'] === 'oauth2') {
        const flow = obj['flow'];
        if (flow === 'implicit') return has('oauth2_implicit_security');
        if (flow === 'password') return has('oauth2_password_security');
        if (flow === 'application') return has('oauth2_application_security');
        if (flow === 'accessCode') return has('oauth2_access_code_security');
      }
      return undefined;
    }
    case 'AnyOrExpression':
      return has('any');
    default: {
      if (!obj) return undefined;
      // ParametersItem, ResponseValue (v2) and every v3 *OrReference: a `$ref` makes it a reference.
      const fields = t.oneofs?.['oneof']?.fieldsArray ?? [];
      const ref = fields.find((f) => f.name === 'reference' || f.name === 'json_reference');
      const other = fields.find((f) => f !== ref);
      return '$ref' in obj ? ref : other;
    }
  }
}

function scalarOneof(t: ProtobufNS.Type, v: JsonValue): ProtoMessage {
  if (typeof v === 'boolean') return { boolean: v };
  if (typeof v === 'number') return { number: v };
  if (typeof v === 'string' && fieldByName(t, 'string')) return { string: v };
  return {};
}

function convertScalar(field: ProtobufNS.Field, v: JsonValue): unknown {
  switch (field.type) {
    case 'string':
      return typeof v === 'string' && v !== '' ? v : undefined;
    case 'bool':
      return v === true ? true : undefined;
    case 'double':
    case 'float':
    case 'int64':
    case 'int32':
    case 'uint64':
    case 'uint32':
      return typeof v === 'number' && v !== 0 ? v : undefined;
    default:
      return undefined;
  }
}

/** Converts one JSON value into the plain object of gnostic message type `t`. */
export function convertMessage(t: ProtobufNS.Type, v: JsonValue): ProtoMessage {
  switch (t.name) {
    case 'Any':
      return anyValue(v);
    case 'TypeItem':
    case 'StringArray': {
      const value = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
      return value.length > 0 ? { value } : {};
    }
    case 'ItemsItem': {
      const f = t.fieldsArray[0]!;
      const items = (Array.isArray(v) ? v : [v]).filter(isObject);
      return { [f.name]: items.map((x) => convertMessage(f.resolvedType as ProtobufNS.Type, x)) };
    }
    case 'DefaultType':
    case 'SpecificationExtension':
      return scalarOneof(t, v);
    default:
      break;
  }
  if (t.oneofs?.['oneof']) {
    const f = chooseOneof(t, v);
    if (!f) return {};
    if (f.resolvedType instanceof protobufLib().Type) return { [f.name]: convertMessage(f.resolvedType, v) };
    const s = f.type === 'bool' ? (typeof v === 'boolean' ? v : undefined) : undefined;
    return s === undefined ? {} : { [f.name]: s };
  }
  if (!isObject(v)) return {};
  const out: ProtoMessage = {};
  for (const field of t.fieldsArray) {
    const rt = field.resolvedType;
    if (field.repeated && rt instanceof protobufLib().Type && rt.name.startsWith('Named')) {
      const valueField = rt.fields['value'];
      const pairs = namedKeys(field.name, v).map((k) => {
        const item = v[k]!;
        const vt = valueField?.resolvedType;
        if (vt instanceof protobufLib().Type) return { name: k, value: convertMessage(vt, item) };
        return typeof item === 'string' ? { name: k, value: item } : { name: k };
      });
      if (pairs.length > 0) out[field.name] = pairs;
      continue;
    }
    const key = jsonKey(field);
    if (!(key in v)) continue;
    const jv = v[key]!;
    if (field.repeated) {
      if (!Array.isArray(jv)) continue;
      const arr =
        rt instanceof protobufLib().Type
          ? jv.map((x) => convertMessage(rt, x))
          : jv.map((x) => (typeof x === 'string' ? x : undefined)).filter((x): x is string => x !== undefined);
      if (arr.length > 0) out[field.name] = arr;
      continue;
    }
    if (rt instanceof protobufLib().Type) {
      out[field.name] = convertMessage(rt, jv);
      continue;
    }
    const s = convertScalar(field, jv);
    if (s !== undefined) out[field.name] = s;
  }
  return out;
}

/** Encodes an OpenAPI v2 (swagger) JSON document as a gnostic openapi.v2.Document. */
export function encodeOpenAPIv2(doc: JsonValue): Buffer {
  const t = openAPIv2DocumentType();
  return Buffer.from(t.encode(convertMessage(t, doc)).finish());
}

/** Encodes an OpenAPI v3 JSON document as a gnostic openapi.v3.Document. */
export function encodeOpenAPIv3(doc: JsonValue): Buffer {
  const t = openAPIv3DocumentType();
  return Buffer.from(t.encode(convertMessage(t, doc)).finish());
}
