// Kubernetes' protobuf wire format (application/vnd.kubernetes.protobuf) for every built-in type, converting
// to and from the JSON shape of objects that the rest of the server works with.
//
// - One object: "k8s\x00" + runtime.Unknown{typeMeta{apiVersion, kind}, raw: <the object's message>,
//   contentEncoding: "", contentType: ""} (apimachinery pkg/runtime/serializer/protobuf/protobuf.go).
// - Watch: frames of a 4-byte big-endian length + a raw meta/v1 WatchEvent{type, object: RawExtension{raw}}
//   whose raw holds the enveloped object.
// The message for apiVersion/kind comes from data/proto/k8s.io/**/generated.proto (see schema.ts); field
// semantics (JSON names, inline structs, which zero values survive decoding) from go-field-facts.json.
import { StatusError } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import { decodeMessage, encodeMessage, setEmbeddedDecoder } from './codec.js';
import { planForKind } from './schema.js';
import { ProtoWireError, Reader, WT_LEN, Writer } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_WATCH_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf;stream=watch';

const PREFIX = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** True when apiVersion/kind is a built-in type with a protobuf message. meta.k8s.io Table has none (Go marks it
 * +protobuf=false; kube answers 406, see notMarshalableError). */
export function hasProtobufType(apiVersion: string, kind: string): boolean {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return false;
  try {
    return planForKind(apiVersion, kind) !== undefined;
  } catch {
    return false;
  }
}

/** kube's 406 for objects without a protobuf message, e.g. notMarshalableError('Table', 'v1') for a Table. */
export function notMarshalableError(kind: string, goPackage = 'v1'): StatusError {
  return new StatusError(
    406,
    'NotAcceptable',
    `object *${goPackage}.${kind} does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message`,
  );
}

function summarizeData(data: Uint8Array, max: number): string {
  if (data.length === 0) return '<empty>';
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b[0] === 0x7b) return data.length > max ? b.toString('utf8', 0, max) + ' ...' : b.toString('utf8');
  return data.length > max ? b.toString('hex', 0, max) + ' ...' : b.toString('hex');
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Buffer | undefined;
}

function readEnvelope(buf: Uint8Array): Envelope {
  if (buf.length < 4 || buf[0] !== 0x6b || buf[1] !== 0x38 || buf[2] !== 0x73 || buf[3] !== 0x00) {
    throw new ProtoWireError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  const r = new Reader(buf, 4);
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  while (r.pos < r.end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 0) throw new ProtoWireError(`proto: Unknown: illegal tag 0 (wire type ${wt})`);
    if (no === 1 && wt === WT_LEN) {
      const e = r.lenEnd();
      while (r.pos < e) {
        const t = r.uint32();
        if (t === 0x0a) apiVersion = r.string();
        else if (t === 0x12) kind = r.string();
        else r.skip(t & 7);
      }
      if (r.pos !== e) throw new ProtoWireError('unexpected EOF');
    } else if (no === 2 && wt === WT_LEN) raw = r.bytes();
    else if ((no === 1 || no === 2 || no === 3 || no === 4) && wt !== WT_LEN) {
      throw new ProtoWireError(`proto: wrong wireType = ${wt} for field ${['', 'TypeMeta', 'Raw', 'ContentEncoding', 'ContentType'][no]}`);
    } else r.skip(wt);
  }
  if (r.pos !== r.end) throw new ProtoWireError('unexpected EOF');
  return { apiVersion, kind, raw };
}

function decodeEnvelopeObject(buf: Uint8Array): KObject {
  const env = readEnvelope(buf);
  if (!env.kind) throw new MissingKind(`Object 'Kind' is missing in '${Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1')}'`);
  const plan = planForKind(env.apiVersion, env.kind);
  if (!plan) {
    const version = env.apiVersion.includes('/') ? env.apiVersion.slice(env.apiVersion.indexOf('/') + 1) : env.apiVersion;
    throw new NotRegistered(`no kind ${JSON.stringify(env.kind)} is registered for version ${JSON.stringify(env.apiVersion)} in scheme "pkg/api/legacyscheme/scheme.go:30"`, env.kind, version);
  }
  const out: KObject = { apiVersion: env.apiVersion, kind: env.kind };
  if (env.raw && env.raw.length > 0) {
    const r = new Reader(env.raw);
    try {
      decodeMessage(r, plan, r.end, out as Record<string, unknown>);
    } catch (e) {
      if (e instanceof ProtoWireError) throw new KindDecodeError(e.message, env.kind, env.apiVersion);
      throw e;
    }
  }
  return out;
}

class MissingKind extends Error {}
class NotRegistered extends Error {
  constructor(
    message: string,
    readonly kind: string,
    readonly version: string,
  ) {
    super(message);
  }
}
class KindDecodeError extends Error {
  constructor(
    message: string,
    readonly kind: string,
    readonly apiVersion: string,
  ) {
    super(message);
  }
}

setEmbeddedDecoder((b) => decodeEnvelopeObject(b) as Record<string, unknown>);

/**
 * Decode a request body: the `k8s\x00` envelope + runtime.Unknown → the JSON-shaped object (apiVersion/kind from
 * typeMeta). Throws StatusError 400 with kube's message on garbage. `expectedKind` (the kind the endpoint serves)
 * makes the message match kube's exactly ("... cannot be handled as a <expectedKind>: ...").
 */
export function decodeProtobufObject(buf: Uint8Array, expectedKind?: string): KObject {
  try {
    return decodeEnvelopeObject(buf);
  } catch (e) {
    if (e instanceof StatusError) throw e;
    if (e instanceof KindDecodeError) {
      const version = e.apiVersion.includes('/') ? e.apiVersion.slice(e.apiVersion.indexOf('/') + 1) : e.apiVersion;
      throw new StatusError(400, 'BadRequest', `${e.kind} in version ${JSON.stringify(version)} cannot be handled as a ${expectedKind ?? e.kind}: ${e.message}`);
    }
    if (e instanceof NotRegistered) {
      throw new StatusError(400, 'BadRequest', e.message);
    }
    if (e instanceof ProtoWireError || e instanceof MissingKind) {
      const into = expectedKind ?? 'Object';
      throw new StatusError(400, 'BadRequest', `the object provided is unrecognized (must be of type ${into}): ${e.message} (${summarizeData(buf, 30)})`);
    }
    throw new StatusError(400, 'BadRequest', `unable to decode protobuf body: ${(e as Error).message}`);
  }
}

const writer = new Writer(64 * 1024);
let writerBusy = false;

/** Bytes the last object's length took: reserved up front so that the body is rarely moved. */
let rawLenHint = 2;

function writeEnvelope(w: Writer, obj: KObject, apiVersion: string, kind: string, plan: NonNullable<ReturnType<typeof planForKind>>): void {
  w.ensure(4);
  PREFIX.copy(w.buf, w.pos);
  w.pos += 4;
  w.tag(1, WT_LEN);
  const s = w.beginLen();
  w.tag(1, WT_LEN);
  w.string(apiVersion);
  w.tag(2, WT_LEN);
  w.string(kind);
  w.endLen(s);
  w.tag(2, WT_LEN);
  const s2 = w.beginLenN(rawLenHint);
  encodeMessage(w, plan, obj as Record<string, unknown>);
  rawLenHint = w.endLenN(s2, rawLenHint);
  w.tag(3, WT_LEN);
  w.uint32(0);
  w.tag(4, WT_LEN);
  w.uint32(0);
}

function withWriter<T>(fn: (w: Writer) => T): T {
  // re-entrancy (never expected) gets a private writer
  if (writerBusy) return fn(new Writer(4096));
  writerBusy = true;
  try {
    writer.reset();
    return fn(writer);
  } finally {
    writerBusy = false;
    if (writer.buf.length > 8 * 1024 * 1024) writer.buf = Buffer.allocUnsafe(64 * 1024);
  }
}

/** Encode a JSON-shaped object (with apiVersion and kind) in the envelope. Returns undefined if the kind has no protobuf type. */
export function encodeProtobufObject(obj: KObject): Buffer | undefined {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const plan = planForKind(apiVersion, kind);
  if (!plan) return undefined;
  return withWriter((w) => {
    writeEnvelope(w, obj, apiVersion, kind, plan);
    return w.finish();
  });
}

/** One watch frame: 4-byte big-endian length + raw (no envelope) meta/v1 WatchEvent{type, object: RawExtension{raw: <enveloped object>}}. */
export function encodeWatchEventFrame(type: string, obj: KObject): Buffer | undefined {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const plan = planForKind(apiVersion, kind);
  if (!plan) return undefined;
  return withWriter((w) => {
    w.ensure(4);
    w.pos = 4;
    w.tag(1, WT_LEN);
    w.string(type);
    w.tag(2, WT_LEN);
    const s = w.beginLen();
    w.tag(1, WT_LEN);
    const s2 = w.beginLen();
    writeEnvelope(w, obj, apiVersion, kind, plan);
    w.endLen(s2);
    w.endLen(s);
    w.buf.writeUInt32BE(w.pos - 4, 0);
    return w.finish();
  });
}

/** Decode a stream of frames (for tests and clients). Throws StatusError 400 on malformed input. */
export function decodeWatchFrames(buf: Uint8Array): { type: string; object: KObject }[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: { type: string; object: KObject }[] = [];
  let p = 0;
  while (p < b.length) {
    if (p + 4 > b.length) throw new StatusError(400, 'BadRequest', 'truncated watch frame header');
    const len = b.readUInt32BE(p);
    p += 4;
    if (p + len > b.length) throw new StatusError(400, 'BadRequest', 'truncated watch frame');
    const r = new Reader(b, p, p + len);
    let type = '';
    let raw: Buffer | undefined;
    try {
      while (r.pos < r.end) {
        const tag = r.uint32();
        if (tag === 0x0a) type = r.string();
        else if (tag === 0x12) {
          const e = r.lenEnd();
          while (r.pos < e) {
            const t = r.uint32();
            if (t === 0x0a) raw = r.bytes();
            else r.skip(t & 7);
          }
        } else r.skip(tag & 7);
      }
    } catch (e) {
      throw new StatusError(400, 'BadRequest', `invalid watch frame: ${(e as Error).message}`);
    }
    p += len;
    out.push({ type, object: raw ? decodeProtobufObject(raw) : {} });
  }
  return out;
}
