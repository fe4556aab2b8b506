// Value kinds and compiled message plans shared by the schema loader and the codec.
import type { Reader, Writer } from './wire.js';

export enum K {
  String = 1,
  Bytes,
  Bool,
  Int32,
  Int64,
  Double,
  Message,
  // special messages with a custom JSON form
  Time,
  MicroTime,
  Duration,
  Quantity,
  IntOrString,
  RawJSON, // runtime.RawExtension, meta.v1.FieldsV1, apiextensions JSON: bytes holding JSON
  StringList, // wrapper messages { repeated string items = 1 } (Verbs, ExtraValue) whose JSON is an array
  SchemaOrArray,
  SchemaOrBool,
  SchemaOrStringArray,
}

export interface FieldPlan {
  no: number;
  name: string; // proto field name
  json: string; // JSON key
  kind: K;
  repeated: boolean;
  map: boolean;
  /** For map fields: the value kind (kind holds it too); keys are strings in every kube proto. */
  typeName: string; // full message name for message kinds ('' otherwise)
  msg: MessagePlan | undefined; // compiled lazily for K.Message and schema kinds: read it through msgOf()
  sub: unknown; // the protobufjs Type behind msg
  keepZero: boolean; // decode: keep zero scalars (Go pointer or no omitempty)
  inline: boolean; // json:",inline": the sub-message's fields live in the parent JSON object
  wt: number; // wire type of one element
}

export interface MessagePlan {
  fullName: string;
  fields: FieldPlan[];
  byNo: (FieldPlan | undefined)[];
  /** JSON key → field (no inline fields); undefined when the message has inline fields. */
  byJson: Record<string, FieldPlan> | undefined;
  /** Generated encoder/decoder for this message (codec.ts), made on first use. */
  enc: ((w: Writer, obj: Record<string, unknown>) => void) | undefined;
  dec: ((r: Reader, end: number, obj: Record<string, unknown> | null) => Record<string, unknown>) | undefined;
}


let resolver: ((f: FieldPlan) => MessagePlan) | undefined;
export function setResolver(fn: (f: FieldPlan) => MessagePlan): void {
  resolver = fn;
}

/** The plan of a message-typed field, compiled on first use. */
export function msgOf(f: FieldPlan): MessagePlan {
  return f.msg ?? resolver!(f);
}
