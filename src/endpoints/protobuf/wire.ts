// Protobuf wire primitives (varints, length-delimited fields, UTF-8) tuned for kube's message shapes:
// a growable scratch buffer for writing, a cursor over a Uint8Array for reading.

export const WT_VARINT = 0;
export const WT_FIXED64 = 1;
export const WT_LEN = 2;
export const WT_FIXED32 = 5;

const TWO32 = 4294967296;

export class ProtoWireError extends Error {}

/** Buffer methods Node has but @types/node does not declare (the bodies behind toString/write, minus argument handling). */
export type FastBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  utf8Write(s: string, offset: number): number;
  latin1Slice(start: number, end: number): string;
};

const STRING_CACHE_SIZE = 4096;
const stringCache: string[] = new Array<string>(STRING_CACHE_SIZE).fill('');

/** Appends protobuf fields to a growable buffer. Nested messages reserve one length byte and are shifted when longer. */
export class Writer {
  buf: Buffer;
  pos = 0;

  constructor(initial = 8192) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reset(): void {
    this.pos = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Copies out the written bytes. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  tag(no: number, wt: number): void {
    this.uint32((no << 3) | wt);
  }

  uint32(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    while (v > 127) {
      b[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  /** int32 semantics: negative values are sign-extended to 10 bytes. */
  int32(v: number): void {
    if (v >= 0) this.uint32(v);
    else this.int64(v);
  }

  /** int64 from a JS number (exact up to 2^53). */
  int64(v: number): void {
    if (v >= 0 && v < TWO32) {
      this.uint32(v);
      return;
    }
    let lo: number;
    let hi: number;
    if (v >= 0) {
      lo = v % TWO32 >>> 0;
      hi = Math.floor(v / TWO32) >>> 0;
    } else {
      const a = -v;
      let alo = a % TWO32 >>> 0;
      let ahi = Math.floor(a / TWO32) >>> 0;
      // two's complement of (ahi, alo)
      alo = ~alo >>> 0;
      ahi = ~ahi >>> 0;
      alo = (alo + 1) >>> 0;
      if (alo === 0) ahi = (ahi + 1) >>> 0;
      lo = alo;
      hi = ahi;
    }
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (hi !== 0 || lo > 127) {
      b[p++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[p++] = lo;
    this.pos = p;
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Starts a length-delimited body; returns the position to hand to endLen. */
  beginLen(): number {
    this.ensure(1);
    return this.pos++;
  }

  endLen(start: number): void {
    const len = this.pos - start - 1;
    if (len < 128) {
      this.buf[start] = len;
      return;
    }
    const extra = varintSize(len) - 1;
    this.ensure(extra);
    this.buf.copyWithin(start + 1 + extra, start + 1, this.pos);
    this.pos += extra;
    let p = start;
    let v = len;
    while (v > 127) {
      this.buf[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buf[p] = v;
  }

  /** Reserves `n` bytes (the caller's guess of the varint size) for a length prefix; returns the position for endLenN. */
  beginLenN(n: number): number {
    this.ensure(n);
    const s = this.pos;
    this.pos = s + n;
    return s;
  }

  /** Writes the length of the body that follows the `n` reserved bytes at `start`, moving the body when its length
   * needs a different number of bytes. Returns the number of bytes the length took (the next guess). */
  endLenN(start: number, n: number): number {
    let v = this.pos - start - n;
    const need = v < 128 ? 1 : v < 16384 ? 2 : v < 2097152 ? 3 : v < 268435456 ? 4 : 5;
    if (need !== n) {
      if (need > n) this.ensure(need - n);
      this.buf.copyWithin(start + need, start + n, this.pos);
      this.pos += need - n;
    }
    const b = this.buf;
    let p = start;
    while (v > 127) {
      b[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    b[p] = v;
    return need;
  }

  /** One byte (a tag below 128). */
  t1(t: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = t;
  }

  /** Two bytes (a two-byte tag). */
  t2(a: number, b: number): void {
    if (this.pos + 2 > this.buf.length) this.ensure(2);
    const p = this.pos;
    this.buf[p] = a;
    this.buf[p + 1] = b;
    this.pos = p + 2;
  }

  /** A length-prefixed UTF-8 string. */
  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      if (this.pos + n * 3 + 2 > this.buf.length) this.ensure(n * 3 + 2);
      const b = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      if (n <= 24) {
        // short ASCII: copied in JS, cheaper than a call into the binding
        for (; i < n; i++) {
          const c = s.charCodeAt(i);
          if (c >= 128) break;
          b[p++] = c;
        }
        if (i === n) {
          b[start] = n;
          this.pos = p;
          return;
        }
      }
      const len = p - start - 1 + (b as FastBuffer).utf8Write(i === 0 ? s : s.slice(i), p);
      if (len < 128) {
        b[start] = len;
        this.pos = start + 1 + len;
        return;
      }
      // non-ASCII text of 128 bytes or more: the length takes two bytes (at most 381 bytes)
      b.copyWithin(start + 2, start + 1, start + 1 + len);
      b[start] = (len & 127) | 128;
      b[start + 1] = len >>> 7;
      this.pos = start + 2 + len;
      return;
    }
    if (n <= 5461) {
      // between 128 and 16383 bytes: the length takes exactly two bytes
      if (this.pos + n * 3 + 2 > this.buf.length) this.ensure(n * 3 + 2);
      const b = this.buf;
      const start = this.pos;
      const len = (b as FastBuffer).utf8Write(s, start + 2);
      b[start] = (len & 127) | 128;
      b[start + 1] = len >>> 7;
      this.pos = start + 2 + len;
      return;
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.uint32(len);
    this.ensure(len);
    this.pos += (this.buf as FastBuffer).utf8Write(s, this.pos);
  }

  bytes(v: Uint8Array): void {
    this.uint32(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
}

export function varintSize(v: number): number {
  return v < 128 ? 1 : v < 16384 ? 2 : v < 2097152 ? 3 : v < 268435456 ? 4 : 5;
}

/** A cursor over protobuf bytes. */
export class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
    this.end = end;
  }

  uint32(): number {
    const b = this.buf;
    let p = this.pos;
    if (p >= this.end) throw new ProtoWireError('unexpected EOF');
    let c = b[p++]!;
    let v = c & 127;
    if (c < 128) {
      this.pos = p;
      return v;
    }
    let shift = 7;
    for (;;) {
      if (p >= this.end) throw new ProtoWireError('unexpected EOF');
      c = b[p++]!;
      if (shift < 28) v |= (c & 127) << shift;
      else if (shift === 28) v = (v | ((c & 15) << 28)) >>> 0;
      if (c < 128) break;
      shift += 7;
      if (shift > 63) throw new ProtoWireError('proto: integer overflow');
    }
    this.pos = p;
    return v >>> 0;
  }

  /** Reads a varint as a signed 64-bit value (JS number; exact up to 2^53). */
  int64(): number {
    const b = this.buf;
    let p = this.pos;
    if (p < this.end && b[p]! < 128) {
      this.pos = p + 1;
      return b[p]!;
    }
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let c: number;
    do {
      if (p >= this.end) throw new ProtoWireError('unexpected EOF');
      c = b[p++]!;
      if (shift < 28) lo |= (c & 127) << shift;
      else if (shift === 28) {
        lo |= (c & 15) << 28;
        hi |= (c & 127) >> 4;
      } else if (shift < 64) hi |= (c & 127) << (shift - 32);
      shift += 7;
      if (shift > 70) throw new ProtoWireError('proto: integer overflow');
    } while (c >= 128);
    this.pos = p;
    lo >>>= 0;
    if (hi & 0x80000000) {
      // negative: value = -(~hi:~lo + 1)
      let nlo = ~lo >>> 0;
      let nhi = ~hi >>> 0;
      nlo = (nlo + 1) >>> 0;
      if (nlo === 0) nhi = (nhi + 1) >>> 0;
      return -(nhi * TWO32 + nlo);
    }
    return (hi >>> 0) * TWO32 + lo;
  }

  int32(): number {
    return this.int64() | 0;
  }

  bool(): boolean {
    return this.int64() !== 0;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtoWireError('unexpected EOF');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the body. */
  lenEnd(): number {
    const p = this.pos;
    const c = this.buf[p]!;
    let e: number;
    if (c < 128 && p < this.end) {
      this.pos = p + 1;
      e = p + 1 + c;
    } else {
      const len = this.uint32();
      e = this.pos + len;
    }
    if (e > this.end) throw new ProtoWireError('unexpected EOF');
    return e;
  }

  string(): string {
    const b = this.buf;
    let p = this.pos;
    let n = b[p]!;
    if (n < 128 && p < this.end) p++;
    else {
      n = this.uint32();
      p = this.pos;
    }
    const e = p + n;
    if (e > this.end) throw new ProtoWireError('unexpected EOF');
    this.pos = e;
    if (n > 32) return (b as FastBuffer).utf8Slice(p, e);
    // short strings repeat (names, label keys, enum values): look them up in a small cache by a hash of their
    // bytes, which also tells whether they are ASCII
    let h = n;
    let or = 0;
    for (let i = p; i < e; i++) {
      const c = b[i]!;
      or |= c;
      h = (Math.imul(h, 31) + c) | 0;
    }
    if (or >= 128) return (b as FastBuffer).utf8Slice(p, e);
    h = (h ^ (h >>> 15)) & (STRING_CACHE_SIZE - 1);
    const cached = stringCache[h]!;
    if (cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === b[p + i]) i++;
      if (i === n) return cached;
    }
    const str = (b as FastBuffer).latin1Slice(p, e);
    stringCache[h] = str;
    return str;
  }

  bytes(): Buffer {
    const e = this.lenEnd();
    const out = this.buf.subarray(this.pos, e);
    this.pos = e;
    return out;
  }

  skip(wt: number): void {
    switch (wt) {
      case WT_VARINT:
        this.int64();
        return;
      case WT_FIXED64:
        this.pos += 8;
        break;
      case WT_LEN:
        this.pos = this.lenEnd();
        return;
      case WT_FIXED32:
        this.pos += 4;
        break;
      case 3: {
        // group: skip until the matching end-group tag
        for (;;) {
          const t = this.uint32();
          if ((t & 7) === 4) return;
          this.skip(t & 7);
        }
      }
      default:
        throw new ProtoWireError(`proto: illegal wireType ${wt}`);
    }
    if (this.pos > this.end) throw new ProtoWireError('unexpected EOF');
  }
}
