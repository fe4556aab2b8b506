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
import { ProtoWireError, Reader, WT_FIXED64, WT_LEN, WT_VARINT, Writer, type FastBuffer } from './wire.js';
import { formatGoDuration, formatMicroTime, formatTime, parseGoDuration, parseTime } from './time.js';

type JObj = Record<string, unknown>;

/** Hook to decode an enveloped object found inside a RawExtension (set by index.ts). */
export let decodeEmbeddedEnvelope: ((buf: Buffer) => JObj) | undefined;
export function setEmbeddedDecoder(fn: (buf: Buffer) => JObj): void {
  decodeEmbeddedEnvelope = fn;
}

// ------------------------------------------------------------------ generated code
//
// Each message plan gets, on first use, an encoder and a decoder generated as JavaScript source (new Function):
// straight-line code over the message's fields with constant property names, so that property loads and stores
// hit monomorphic inline caches, tags are constants and sub-message coders are direct calls. Rare kinds (Time,
// Quantity, RawJSON, ...) call the generic writeValue / readSpecial below.

type EncFn = (w: Writer, obj: JObj) => void;
/** obj null: a new object of the message's own constructor. */
type DecFn = (r: Reader, end: number, obj: JObj | null) => JObj;

let codegen = true;

export function encodeMessage(w: Writer, plan: MessagePlan, obj: JObj): void {
  const enc = plan.enc;
  if (enc !== undefined) enc(w, obj);
  else if (codegen) genEncoder(plan)(w, obj);
  else encodeMessageGeneric(w, plan, obj);
}

export function decodeMessage(r: Reader, plan: MessagePlan, end: number, obj: JObj): JObj {
  const dec = plan.dec;
  if (dec !== undefined) return dec(r, end, obj);
  if (codegen) return genDecoder(plan)(r, end, obj);
  return decodeMessageGeneric(r, plan, end, obj);
}

function encOf(f: FieldPlan): EncFn {
  const p = msgOf(f);
  return p.enc ?? genEncoder(p);
}

function decOf(f: FieldPlan): DecFn {
  const p = msgOf(f);
  return p.dec ?? genDecoder(p);
}

function tagCode(no: number, wt: number): string {
  const t = (no << 3) | wt;
  if (t < 128) return `w.t1(${t});`;
  if (t < 16384) return `w.t2(${(t & 127) | 128}, ${t >>> 7});`;
  return `w.uint32(${t});`;
}

/** Helpers the generated code calls, passed in as H. */
const H = {
  encOf,
  decOf,
  toNumber,
  writeValue,
  encMap,
  readSpecial,
  readTime,
  readQuantity,
  decMapEntry: decodeMapEntry,
  decOther,
  ProtoWireError,
};

function fnName(plan: MessagePlan): string {
  return plan.fullName.slice(plan.fullName.lastIndexOf('.') + 1).replace(/\W/g, '_');
}

function compileFn<T>(plan: MessagePlan, what: string, src: string): T | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function('F', 'H', src)(plan.fields, H) as T;
  } catch (e) {
    if (e instanceof EvalError) {
      codegen = false; // --disallow-code-generation-from-strings: interpret the plans
      return undefined;
    }
    throw new Error(`protobuf: generating the ${what} of ${plan.fullName}: ${(e as Error).message}`);
  }
}

function encValue(f: FieldPlan, i: number, x: string): string {
  switch (f.kind) {
    case K.String:
      return `${tagCode(f.no, WT_LEN)} w.string(typeof ${x} === 'string' ? ${x} : String(${x}));`;
    case K.Int32:
      return `${tagCode(f.no, WT_VARINT)} w.int32(typeof ${x} === 'number' ? Math.trunc(${x}) : Math.trunc(H.toNumber(${x})));`;
    case K.Int64:
      return `${tagCode(f.no, WT_VARINT)} w.int64(typeof ${x} === 'number' ? Math.trunc(${x}) : Math.trunc(H.toNumber(${x})));`;
    case K.Bool:
      return `${tagCode(f.no, WT_VARINT)} w.bool(${x} === true || ${x} === 'true');`;
    case K.Message:
      return `if (typeof ${x} === 'object' && !Array.isArray(${x})) { ${tagCode(f.no, WT_LEN)} const s = w.beginLenN(R${i}); (E${i} ??= H.encOf(F[${i}]))(w, ${x}); R${i} = w.endLenN(s, R${i}); }`;
    default:
      return `H.writeValue(w, F[${i}], ${f.no}, ${x});`;
  }
}

function genEncoder(plan: MessagePlan): EncFn {
  const F = plan.fields;
  const decls: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < F.length; i++) {
    const f = F[i]!;
    decls.push(`let E${i}; let R${i} = 1;`);
    if (f.inline) {
      lines.push(`${tagCode(f.no, WT_LEN)} { const s = w.beginLenN(R${i}); (E${i} ??= H.encOf(F[${i}]))(w, o); R${i} = w.endLenN(s, R${i}); }`);
      continue;
    }
    // one field per JSON name, as the key-driven lookup (byJson) had it
    if (plan.byJson !== undefined && plan.byJson[f.json] !== f) continue;
    let body: string;
    if (f.map) body = `if (typeof v === 'object') H.encMap(w, F[${i}], v);`;
    else if (f.repeated) {
      const onNull = f.kind === K.RawJSON ? `H.writeValue(w, F[${i}], ${f.no}, null);` : '';
      body = `if (Array.isArray(v)) for (let k = 0; k < v.length; k++) { const x = v[k]; if (x === null || x === undefined) { ${onNull} continue; } ${encValue(f, i, 'x')} }`;
    } else body = encValue(f, i, 'v');
    lines.push(`v = o[${JSON.stringify(f.json)}]; if (v !== undefined && v !== null) { ${body} }`);
  }
  const src = `'use strict';\n${decls.join('\n')}\nreturn function enc_${fnName(plan)}(w, o) {\nlet v;\n${lines.join('\n')}\n};`;
  const fn = compileFn<EncFn>(plan, 'encoder', src);
  if (fn === undefined) return (w, o) => encodeMessageGeneric(w, plan, o);
  plan.enc = fn;
  return fn;
}

function decScalar(kind: K): string | undefined {
  switch (kind) {
    case K.String:
      return 'r.string()';
    case K.Int32:
      return 'r.int32()';
    case K.Int64:
      return 'r.int64()';
    case K.Bool:
      return 'r.bool()';
    case K.Double:
      return 'r.double()';
    case K.Bytes:
      return "r.bytes().toString('base64')";
    default:
      return undefined;
  }
}

function zeroLiteral(kind: K): string {
  return kind === K.String || kind === K.Bytes ? "''" : kind === K.Bool ? 'false' : '0';
}

function genDecoder(plan: MessagePlan): DecFn {
  const F = plan.fields;
  const decls: string[] = [];
  const cases: string[] = [];
  for (let i = 0; i < F.length; i++) {
    const f = F[i]!;
    decls.push(`let D${i};`);
    const key = JSON.stringify(f.json);
    const sub = `(D${i} ??= H.decOf(F[${i}]))`;
    const scalar = decScalar(f.kind);
    let body: string;
    if (f.inline) body = `${sub}(r, r.lenEnd(), o);`;
    else if (f.map) body = `const e = r.lenEnd(); let m = o[${key}]; if (m === undefined) o[${key}] = m = {}; H.decMapEntry(r, F[${i}], e, m); r.pos = e;`;
    else if (f.repeated) {
      let push: string;
      if (scalar !== undefined) push = `a.push(${scalar});`;
      else if (f.kind === K.Message) push = `a.push(${sub}(r, r.lenEnd(), null));`;
      else push = `const v = H.readSpecial(r, F[${i}]); a.push(v === undefined ? null : v);`;
      body = `let a = o[${key}]; if (a === undefined) o[${key}] = a = []; ${push}`;
    } else if (scalar !== undefined) {
      body = f.keepZero ? `o[${key}] = ${scalar};` : `const v = ${scalar}; if (v !== ${zeroLiteral(f.kind)}) o[${key}] = v;`;
    } else if (f.kind === K.Message) body = `o[${key}] = ${sub}(r, r.lenEnd(), null);`;
    else if (f.kind === K.Time) body = `const v = H.readTime(r); if (v !== undefined) o[${key}] = v;`;
    else if (f.kind === K.Quantity) body = `o[${key}] = H.readQuantity(r);`;
    else body = `const v = H.readSpecial(r, F[${i}]); if (v !== undefined) o[${key}] = v;`;
    cases.push(`case ${(f.no << 3) | f.wt}: { ${body} break; }`);
  }
  // Decoded objects come from a constructor per message whose prototype is Object.prototype (they are plain
  // objects): V8 then sizes them by the message's field count (the never-run this.pN stores) with slack tracking,
  // so that adding properties does not grow an out-of-object property array as it does for {}.
  const slots: string[] = [];
  for (let i = 0; i < Math.min(F.length, 64); i++) slots.push(`this.p${i} = 0;`);
  const src = `'use strict';\n${decls.join('\n')}
function M(x) { if (x) { ${slots.join(' ')} } }
M.prototype = Object.prototype;
return function dec_${fnName(plan)}(r, end, o) {
  if (o === null) o = new M();
  const b = r.buf;
  while (r.pos < end) {
    let tag = b[r.pos];
    if (tag < 128) r.pos++;
    else tag = r.uint32();
    switch (tag) {
${cases.join('\n')}
      default:
        H.decOther(r, tag, F, o);
    }
  }
  if (r.pos !== end) throw new H.ProtoWireError('unexpected EOF');
  return o;
};`;
  const fn = compileFn<DecFn>(plan, 'decoder', src);
  if (fn === undefined) return (r, end, o) => decodeMessageGeneric(r, plan, end, o ?? {});
  plan.dec = fn;
  return fn;
}

/** A tag that no generated case took: unknown field (skipped), packed repeated scalars, or a wrong wire type. */
function decOther(r: Reader, tag: number, fields: FieldPlan[], obj: JObj): void {
  const no = tag >>> 3;
  const wt = tag & 7;
  if (no === 0) throw new ProtoWireError('proto: illegal tag 0 (wire type ' + wt + ')');
  let f: FieldPlan | undefined;
  for (let i = 0; i < fields.length; i++) {
    if (fields[i]!.no === no) {
      f = fields[i];
      break;
    }
  }
  if (f === undefined) {
    r.skip(wt);
    return;
  }
  if (f.repeated && wt === WT_LEN && f.wt !== WT_LEN) {
    let arr = obj[f.json] as unknown[] | undefined;
    if (arr === undefined) obj[f.json] = arr = [];
    const e = r.lenEnd();
    while (r.pos < e) arr.push(readScalar(r, f.kind));
    return;
  }
  checkWire(f, wt);
  // a field whose wire type matches would have had its own case
  throw new ProtoWireError(`proto: unexpected tag ${tag} for field ${f.name}`);
}

/** resource.Quantity: {string = 1}; "0" when empty. */
function readQuantity(r: Reader): string {
  const end = r.lenEnd();
  let s = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) s = r.string();
    else r.skip(tag & 7);
  }
  if (r.pos !== end) throw new ProtoWireError('unexpected EOF');
  return s === '' ? '0' : s;
}

/** meta/v1 Time: {seconds = 1, nanos = 2}; zero is absent (Go prints null). */
function readTime(r: Reader): string | undefined {
  const end = r.lenEnd();
  let a = 0;
  let b = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) a = r.int64();
    else if (tag === 16) b = r.int32();
    else r.skip(tag & 7);
  }
  if (r.pos !== end) throw new ProtoWireError('unexpected EOF');
  return a !== 0 || b !== 0 ? formatTime(a) : undefined;
}

function keysSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/** A map field: one entry message {key = 1, value = 2} per key, keys sorted as Go does. */
function encMap(w: Writer, f: FieldPlan, m: JObj): void {
  const keys = Object.keys(m);
  if (keys.length > 1 && !keysSorted(keys)) keys.sort(compareGo);
  const t = (f.no << 3) | WT_LEN;
  const isString = f.kind === K.String;
  let hint = 1;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    w.uint32(t);
    const s = w.beginLenN(hint);
    w.t1(10);
    w.string(key);
    const val = m[key];
    if (val !== undefined && val !== null) {
      if (isString) {
        w.t1(18);
        w.string(typeof val === 'string' ? val : String(val));
      } else writeValue(w, f, 2, val);
    }
    hint = w.endLenN(s, hint);
  }
}

// ------------------------------------------------------------------ generic (interpreted) encode, without codegen

function encodeMessageGeneric(w: Writer, plan: MessagePlan, obj: JObj): void {
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
  if (f.map) {
    if (typeof v !== 'object') return;
    encMap(w, f, v as JObj);
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

function decodeMessageGeneric(r: Reader, plan: MessagePlan, end: number, obj: JObj): JObj {
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
  const b = r.buf;
  const isString = f.kind === K.String;
  while (r.pos < end) {
    let tag = b[r.pos]!;
    if (tag < 128) r.pos++;
    else tag = r.uint32();
    if (tag === 10) key = r.string();
    else if (tag === 18 && isString) val = r.string();
    else if (tag === 18 && f.kind === K.Quantity) val = readQuantity(r);
    else if (tag >>> 3 === 2) {
      checkWire(f, tag & 7);
      val = readValue(r, f);
    } else r.skip(tag & 7);
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
    case K.RawJSON: {
      let rs = -1;
      let re = -1;
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === ((1 << 3) | WT_LEN)) {
          re = r.lenEnd();
          rs = r.pos;
          r.pos = re;
        } else r.skip(tag & 7);
      }
      out = rs < 0 ? undefined : rawRangeToJSON(r.buf, rs, re);
      break;
    }
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

/** rawToJSON of buf[start, end), without making a Buffer for it. */
function rawRangeToJSON(buf: Buffer, start: number, end: number): unknown {
  if (end - start >= 4 && buf[start] === ENVELOPE[0] && buf[start + 1] === ENVELOPE[1] && buf[start + 2] === ENVELOPE[2] && buf[start + 3] === ENVELOPE[3]) {
    return rawToJSON(buf.subarray(start, end));
  }
  if (end === start) return undefined;
  try {
    return JSON.parse((buf as FastBuffer).utf8Slice(start, end)) as unknown;
  } catch (e) {
    throw new ProtoWireError(`invalid JSON in embedded raw bytes: ${(e as Error).message}`);
  }
}

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
