// Plan-driven conversion between JSON-shaped objects (what the JSON API carries) and kube's protobuf messages.
//
// Encoding writes every field present (not undefined/null) in the JSON object, in field-number order, with map
// entries sorted by key as Go's generated marshallers do. Decoding mirrors what Go's encoding/json would print
// for the Go struct that the bytes decode into, except that null timestamps are left out:
//  - a zero scalar ("" / 0 / false / empty bytes) is dropped unless the Go field is a pointer or its json tag has
//    no omitempty (facts from the Go types, data/proto/k8s.io/go-field-facts.json);
//  - a present sub-message is kept even when empty (Go prints {} for non-pointer structs: "spec": {});
//  - zero metav1.Time / MicroTime (an empty message) is dropped (Go prints null: creationTimestamp: null);
//  - empty repeated / map fields are absent on the wire and stay absent.
import { K, msgOf, type FieldPlan, type MessagePlan } from './kinds.js';
import { ProtoWireError, Reader, WT_FIXED64, WT_LEN, WT_VARINT, Writer } from './wire.js';
import { formatGoDuration, formatMicroTime, formatTime, parseGoDuration, parseTime } from './time.js';

type JObj = Record<string, unknown>;

/** Hook to decode an enveloped object found inside a RawExtension (set by index.ts). */
export let decodeEmbeddedEnvelope: ((buf: Buffer) => JObj) | undefined;
export function setEmbeddedDecoder(fn: (buf: Buffer) => JObj): void {
  decodeEmbeddedEnvelope = fn;
}

// ------------------------------------------------------------------ encode

export function encodeMessage(w: Writer, plan: MessagePlan, obj: JObj): void {
  const byJson = plan.byJson;
  if (byJson !== undefined) {
    // sparse objects: walk the object's keys rather than every field of the message (key order, not field order)
    for (const key in obj) {
      const f = byJson[key];
      if (f === undefined) continue;
      const v = obj[key];
      if (v === undefined || v === null) continue;
      encodeField(w, f, v);
    }
    return;
  }
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.inline) {
      w.tag(f.no, WT_LEN);
      const s = w.beginLen();
      encodeMessage(w, msgOf(f), obj);
      w.endLen(s);
      continue;
    }
    const v = obj[f.json];
    if (v === undefined || v === null) continue;
    encodeField(w, f, v);
  }
}

function encodeField(w: Writer, f: FieldPlan, v: unknown): void {
  {
    if (f.map) {
      if (typeof v !== 'object') return;
      const m = v as JObj;
      const keys = Object.keys(m);
      if (keys.length > 1) keys.sort(compareGo);
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!;
        w.tag(f.no, WT_LEN);
        const s = w.beginLen();
        w.tag(1, WT_LEN);
        w.string(key);
        const val = m[key];
        if (val !== undefined && val !== null) writeValue(w, f, 2, val);
        w.endLen(s);
      }
    } else if (f.repeated) {
      if (!Array.isArray(v)) return;
      for (let k = 0; k < v.length; k++) {
        const item: unknown = v[k];
        if (item === null || item === undefined) {
          if (f.kind === K.RawJSON) writeValue(w, f, f.no, null);
          continue;
        }
        writeValue(w, f, f.no, item);
      }
    } else {
      writeValue(w, f, f.no, v);
    }
  }
}

/** Go sorts map keys as byte strings; for the ASCII keys kube uses, JS code-unit order is the same. */
function compareGo(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (!Number.isNaN(n)) return n;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

function writeValue(w: Writer, f: FieldPlan, no: number, v: unknown): void {
  switch (f.kind) {
    case K.String:
      w.tag(no, WT_LEN);
      w.string(typeof v === 'string' ? v : String(v));
      return;
    case K.Int32:
      w.tag(no, WT_VARINT);
      w.int32(Math.trunc(toNumber(v)));
      return;
    case K.Int64:
      w.tag(no, WT_VARINT);
      w.int64(Math.trunc(toNumber(v)));
      return;
    case K.Bool:
      w.tag(no, WT_VARINT);
      w.bool(v === true || v === 'true');
      return;
    case K.Double:
      w.tag(no, WT_FIXED64);
      w.double(toNumber(v));
      return;
    case K.Bytes:
      w.tag(no, WT_LEN);
      w.bytes(typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.alloc(0));
      return;
    case K.Message: {
      if (typeof v !== 'object' || Array.isArray(v)) return;
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      encodeMessage(w, msgOf(f), v as JObj);
      w.endLen(s);
      return;
    }
    case K.Time:
    case K.MicroTime: {
      if (typeof v !== 'string') return;
      const t = parseTime(v);
      if (!t) return;
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      w.tag(1, WT_VARINT);
      w.int64(t.seconds);
      if (t.nanos !== 0) {
        w.tag(2, WT_VARINT);
        w.int32(t.nanos);
      }
      w.endLen(s);
      return;
    }
    case K.Duration: {
      const ns = typeof v === 'number' ? v : parseGoDuration(String(v));
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      w.tag(1, WT_VARINT);
      w.int64(ns);
      w.endLen(s);
      return;
    }
    case K.Quantity: {
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      w.tag(1, WT_LEN);
      w.string(String(v));
      w.endLen(s);
      return;
    }
    case K.IntOrString: {
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      if (typeof v === 'string') {
        w.tag(1, WT_VARINT);
        w.uint32(1);
        w.tag(3, WT_LEN);
        w.string(v);
      } else {
        w.tag(1, WT_VARINT);
        w.uint32(0);
        w.tag(2, WT_VARINT);
        w.int32(Math.trunc(toNumber(v)));
      }
      w.endLen(s);
      return;
    }
    case K.RawJSON: {
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      w.tag(1, WT_LEN);
      w.string(JSON.stringify(v));
      w.endLen(s);
      return;
    }
    case K.StringList: {
      if (!Array.isArray(v)) return;
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      for (const item of v) {
        w.tag(1, WT_LEN);
        w.string(String(item));
      }
      w.endLen(s);
      return;
    }
    case K.SchemaOrArray: {
      const props = msgOf(msgOf(f).byNo[1]!);
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      if (Array.isArray(v)) {
        for (const item of v) {
          if (typeof item !== 'object' || item === null) continue;
          w.tag(2, WT_LEN);
          const s2 = w.beginLen();
          encodeMessage(w, props, item as JObj);
          w.endLen(s2);
        }
      } else if (typeof v === 'object') {
        w.tag(1, WT_LEN);
        const s2 = w.beginLen();
        encodeMessage(w, props, v as JObj);
        w.endLen(s2);
      }
      w.endLen(s);
      return;
    }
    case K.SchemaOrBool: {
      const props = msgOf(msgOf(f).byNo[2]!);
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      if (typeof v === 'object' && !Array.isArray(v)) {
        w.tag(1, WT_VARINT);
        w.bool(true);
        w.tag(2, WT_LEN);
        const s2 = w.beginLen();
        encodeMessage(w, props, v as JObj);
        w.endLen(s2);
      } else {
        w.tag(1, WT_VARINT);
        w.bool(v === true);
      }
      w.endLen(s);
      return;
    }
    case K.SchemaOrStringArray: {
      const props = msgOf(msgOf(f).byNo[1]!);
      w.tag(no, WT_LEN);
      const s = w.beginLen();
      if (Array.isArray(v)) {
        for (const item of v) {
          w.tag(2, WT_LEN);
          w.string(String(item));
        }
      } else if (typeof v === 'object') {
        w.tag(1, WT_LEN);
        const s2 = w.beginLen();
        encodeMessage(w, props, v as JObj);
        w.endLen(s2);
      }
      w.endLen(s);
      return;
    }
  }
}

// ------------------------------------------------------------------ decode

function checkWire(f: FieldPlan, wt: number): void {
  if (wt !== f.wt) throw new ProtoWireError(`proto: wrong wireType = ${wt} for field ${f.name[0]!.toUpperCase()}${f.name.slice(1)}`);
}

export function decodeMessage(r: Reader, plan: MessagePlan, end: number, obj: JObj): JObj {
  const byNo = plan.byNo;
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 0) throw new ProtoWireError('proto: illegal tag 0 (wire type ' + wt + ')');
    const f = byNo[no];
    if (f === undefined) {
      r.skip(wt);
      continue;
    }
    if (f.inline) {
      checkWire(f, wt);
      const e = r.lenEnd();
      decodeMessage(r, msgOf(f), e, obj);
      r.pos = e;
      continue;
    }
    if (f.map) {
      checkWire(f, wt);
      const e = r.lenEnd();
      let m = obj[f.json] as JObj | undefined;
      if (m === undefined) obj[f.json] = m = {};
      decodeMapEntry(r, f, e, m);
      r.pos = e;
      continue;
    }
    if (f.repeated) {
      let arr = obj[f.json] as unknown[] | undefined;
      if (arr === undefined) obj[f.json] = arr = [];
      if (wt === WT_LEN && f.wt !== WT_LEN) {
        // packed scalars
        const e = r.lenEnd();
        while (r.pos < e) arr.push(readScalar(r, f.kind));
        continue;
      }
      checkWire(f, wt);
      const v = readValue(r, f);
      arr.push(v === undefined ? null : v);
      continue;
    }
    checkWire(f, wt);
    const v = readValue(r, f);
    if (v === undefined) continue;
    if (!f.keepZero && f.kind <= K.Double && (v === '' || v === 0 || v === false)) continue;
    obj[f.json] = v;
  }
  if (r.pos !== end) throw new ProtoWireError('unexpected EOF');
  return obj;
}

function readScalar(r: Reader, kind: K): number | boolean {
  switch (kind) {
    case K.Int32:
      return r.int32();
    case K.Bool:
      return r.bool();
    case K.Double:
      return r.double();
    default:
      return r.int64();
  }
}

function decodeMapEntry(r: Reader, f: FieldPlan, end: number, m: JObj): void {
  let key = '';
  let val: unknown;
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 1 && wt === WT_LEN) key = r.string();
    else if (no === 2) {
      checkWire(f, wt);
      val = readValue(r, f);
    } else r.skip(wt);
  }
  if (val === undefined) val = zeroValue(f.kind);
  m[key] = val;
}

function zeroValue(kind: K): unknown {
  switch (kind) {
    case K.String:
    case K.Bytes:
      return '';
    case K.Int32:
    case K.Int64:
    case K.Double:
      return 0;
    case K.Bool:
      return false;
    case K.Message:
      return {};
    case K.Quantity:
      return '0';
    case K.StringList:
      return [];
    default:
      return null;
  }
}

/** Reads one value of field f; undefined means "absent in JSON" (Go would print null). */
function readValue(r: Reader, f: FieldPlan): unknown {
  switch (f.kind) {
    case K.String:
      return r.string();
    case K.Int32:
      return r.int32();
    case K.Int64:
      return r.int64();
    case K.Bool:
      return r.bool();
    case K.Double:
      return r.double();
    case K.Bytes:
      return r.bytes().toString('base64');
    case K.Message: {
      const e = r.lenEnd();
      const o = decodeMessage(r, msgOf(f), e, {});
      r.pos = e;
      return o;
    }
    default:
      return readSpecial(r, f);
  }
}

function readSpecial(r: Reader, f: FieldPlan): unknown {
  const end = r.lenEnd();
  let a = 0; // field 1 (int)
  let b = 0; // field 2 (int)
  let s: string | undefined; // a string field
  let raw: Buffer | undefined;
  let seen = false;
  let out: unknown;
  switch (f.kind) {
    case K.Time:
    case K.MicroTime:
    case K.Duration:
    case K.IntOrString:
      while (r.pos < end) {
        const tag = r.uint32();
        const no = tag >>> 3;
        const wt = tag & 7;
        seen = true;
        if (no === 1 && wt === WT_VARINT) a = r.int64();
        else if (no === 2 && wt === WT_VARINT) b = r.int32();
        else if (no === 3 && wt === WT_LEN) s = r.string();
        else r.skip(wt);
      }
      if (f.kind === K.Time) out = seen && (a !== 0 || b !== 0) ? formatTime(a) : undefined;
      else if (f.kind === K.MicroTime) out = seen && (a !== 0 || b !== 0) ? formatMicroTime(a, b) : undefined;
      else if (f.kind === K.Duration) out = formatGoDuration(a);
      else out = a === 1 ? (s ?? '') : b;
      break;
    case K.Quantity:
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === ((1 << 3) | WT_LEN)) s = r.string();
        else r.skip(tag & 7);
      }
      out = s === undefined || s === '' ? '0' : s;
      break;
    case K.RawJSON:
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === ((1 << 3) | WT_LEN)) raw = r.bytes();
        else r.skip(tag & 7);
      }
      out = raw === undefined ? undefined : rawToJSON(raw);
      break;
    case K.StringList: {
      const arr: string[] = [];
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === ((1 << 3) | WT_LEN)) arr.push(r.string());
        else r.skip(tag & 7);
      }
      out = arr;
      break;
    }
    case K.SchemaOrArray: {
      const props = msgOf(msgOf(f).byNo[1]!);
      let schema: JObj | undefined;
      const list: JObj[] = [];
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === ((1 << 3) | WT_LEN) || tag === ((2 << 3) | WT_LEN)) {
          const e = r.lenEnd();
          const o = decodeMessage(r, props, e, {});
          r.pos = e;
          if (tag >>> 3 === 1) schema = o;
          else list.push(o);
        } else r.skip(tag & 7);
      }
      out = list.length > 0 ? list : schema;
      break;
    }
    case K.SchemaOrBool: {
      const props = msgOf(msgOf(f).byNo[2]!);
      let schema: JObj | undefined;
      let allows = false;
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === ((1 << 3) | WT_VARINT)) allows = r.bool();
        else if (tag === ((2 << 3) | WT_LEN)) {
          const e = r.lenEnd();
          schema = decodeMessage(r, props, e, {});
          r.pos = e;
        } else r.skip(tag & 7);
      }
      out = schema ?? allows;
      break;
    }
    case K.SchemaOrStringArray: {
      const props = msgOf(msgOf(f).byNo[1]!);
      let schema: JObj | undefined;
      const list: string[] = [];
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === ((2 << 3) | WT_LEN)) list.push(r.string());
        else if (tag === ((1 << 3) | WT_LEN)) {
          const e = r.lenEnd();
          schema = decodeMessage(r, props, e, {});
          r.pos = e;
        } else r.skip(tag & 7);
      }
      out = list.length > 0 ? list : schema;
      break;
    }
    default:
      throw new ProtoWireError(`protobuf: unexpected kind ${f.kind}`);
  }
  if (r.pos !== end) throw new ProtoWireError('unexpected EOF');
  return out;
}

const ENVELOPE = [0x6b, 0x38, 0x73, 0x00];

/** RawExtension / FieldsV1 / JSON bytes → JSON value. An enveloped protobuf object is decoded too. */
export function rawToJSON(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  if (raw.length >= 4 && raw[0] === ENVELOPE[0] && raw[1] === ENVELOPE[1] && raw[2] === ENVELOPE[2] && raw[3] === ENVELOPE[3]) {
    if (!decodeEmbeddedEnvelope) throw new ProtoWireError('protobuf: no decoder for embedded object');
    return decodeEmbeddedEnvelope(raw);
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (e) {
    throw new ProtoWireError(`invalid JSON in embedded raw bytes: ${(e as Error).message}`);
  }
}
