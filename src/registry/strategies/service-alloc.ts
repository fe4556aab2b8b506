// Service ClusterIP and NodePort allocation, after pkg/registry/core/service/storage/alloc.go,
// pkg/registry/core/service/ipallocator (bitmap) and portallocator.
//
// Design: there is no persistent bitmap. What is taken is computed, under an in-process async mutex,
// from the Services in storage (ctx.store.list('', 'services')) plus in-memory *reservations*: every
// IP/port handed out by beforeCreate/beforeUpdate is reserved for its owner (namespace/name) until
//   - the store reports the write finished (confirmServiceAllocation / releaseServiceAllocation), or
//   - the allocation is seen in storage on a later scan (self-confirming), or
//   - RESERVATION_TTL_MS passes.
// So two concurrent creates never pick the same IP or port, even though the store writes after
// beforeCreate returns and outside our mutex.
import { internalError, invalid } from '../../api/errors.js';
import { fieldErr, type FieldError } from '../../api/field-errors.js';
import type { KObject } from '../../api/types.js';
import type { OpContext } from '../strategy.js';
import { asObj, isNil, num, objs, str, type Obj } from './util.js';

type IPFamily = 'IPv4' | 'IPv6';

interface IPRange {
  family: IPFamily;
  cidr: string;
  bits: number;
  /** First allocatable address (network + 1). */
  base: bigint;
  /** Number of allocatable addresses. */
  max: bigint;
  /** Start of the dynamic band (ServiceIPStaticSubrange). */
  offset: bigint;
}

interface PortRange {
  base: number;
  size: number;
  offset: number;
  text: string;
}

const RESERVATION_TTL_MS = 30_000;

interface Reservation {
  owner: string;
  expires: number;
}
const reservedIPs = new Map<string, Reservation>();
const reservedPorts = new Map<number, Reservation>();

let ipRanges: IPRange[] = [];
let portRange: PortRange;

// ---------------- configuration ----------------

export function configureServiceAllocation(opts: { serviceClusterIPRange: string; serviceNodePortRange: string }): void {
  const cidrs = opts.serviceClusterIPRange
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (cidrs.length === 0 || cidrs.length > 2) throw new Error(`invalid service cluster IP range ${JSON.stringify(opts.serviceClusterIPRange)}`);
  const ranges = cidrs.map(parseRange);
  if (ranges.length === 2 && ranges[0]!.family === ranges[1]!.family) throw new Error('service cluster IP ranges must be of different IP families');
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(opts.serviceNodePortRange) ?? /^\s*(\d+)\s*\+\s*(\d+)\s*$/.exec(opts.serviceNodePortRange);
  if (!m) throw new Error(`invalid service node port range ${JSON.stringify(opts.serviceNodePortRange)}`);
  const base = Number(m[1]);
  const size = opts.serviceNodePortRange.includes('+') ? Number(m[2]) + 1 : Number(m[2]) - base + 1;
  if (!(size > 0) || base < 1 || base + size - 1 > 65535) throw new Error(`invalid service node port range ${JSON.stringify(opts.serviceNodePortRange)}`);
  ipRanges = ranges;
  portRange = { base, size, offset: portRangeOffset(size), text: `${base}-${base + size - 1}` };
  reservedIPs.clear();
  reservedPorts.clear();
}

function portRangeOffset(size: number): number {
  const min = 16, max = 128, step = 32;
  if (size <= min) return 0;
  const off = Math.floor(size / step);
  return off < min ? min : off > max ? max : off;
}

function parseRange(cidr: string): IPRange {
  const slash = cidr.indexOf('/');
  if (slash < 0) throw new Error(`invalid CIDR ${cidr}`);
  const ip = parseIP(cidr.slice(0, slash));
  const prefix = Number(cidr.slice(slash + 1));
  if (!ip || !Number.isInteger(prefix) || prefix < 0 || prefix > ip.bits) throw new Error(`invalid CIDR ${cidr}`);
  const hostBits = BigInt(ip.bits - prefix);
  const network = (ip.value >> hostBits) << hostBits;
  const rangeSize = 1n << hostBits;
  const family: IPFamily = ip.bits === 32 ? 'IPv4' : 'IPv6';
  let max = rangeSize;
  if (family === 'IPv6') {
    if (max > 65536n) max = 65536n;
  } else max -= 1n; // broadcast
  max -= 1n; // network address
  if (max < 0n) max = 0n;
  // calculateRangeOffset: min(max(16, size/16), 256), 0 for tiny ranges.
  let offset: bigint;
  if (rangeSize <= 16n) offset = 0n;
  else {
    offset = rangeSize / 16n;
    if (offset < 16n) offset = 16n;
    if (offset > 256n) offset = 256n;
  }
  return { family, cidr: `${formatIP(network, ip.bits)}/${prefix}`, bits: ip.bits, base: network + 1n, max, offset };
}

configureServiceAllocation({ serviceClusterIPRange: '10.96.0.0/12', serviceNodePortRange: '30000-32767' });

/** The address reserved for the default/kubernetes Service (first IP of the primary range). */
export function kubernetesServiceIP(): string {
  const r = ipRanges[0]!;
  return formatIP(r.base, r.bits);
}

export function primaryIPFamily(): IPFamily {
  return ipRanges[0]!.family;
}

export function clusterIPFamilies(): IPFamily[] {
  return ipRanges.map((r) => r.family);
}

// ---------------- IP helpers ----------------

export function parseIP(s: string): { value: bigint; bits: number } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const parts = s.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    // Go's ParseIPSloppy accepts leading zeros as decimal.
    return { value: parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n), bits: 32 };
  }
  if (!s.includes(':')) return undefined;
  let str6 = s;
  let tail: bigint[] = [];
  const lastColon = str6.lastIndexOf(':');
  const maybeV4 = str6.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIP(maybeV4);
    if (!v4 || v4.bits !== 32) return undefined;
    tail = [v4.value >> 16n, v4.value & 0xffffn];
    str6 = str6.slice(0, lastColon + 1) + '0';
    tail = tail.length ? tail : [];
  }
  const halves = str6.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const gs = h.split(':');
    const out: bigint[] = [];
    for (const g of gs) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(parseInt(g, 16)));
    }
    return out;
  };
  const head = parseGroups(halves[0]!);
  const rest = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  let groups: bigint[];
  if (tail.length) {
    // replace the placeholder "0" group with the two v4 groups
    const all = halves.length === 2 ? rest : head;
    all.pop();
    all.push(...tail);
  }
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...Array<bigint>(fill).fill(0n), ...rest];
  } else groups = head;
  if (groups.length !== 8) return undefined;
  return { value: groups.reduce((a, g) => (a << 16n) | g, 0n), bits: 128 };
}

export function formatIP(v: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups.
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function familyOf(ip: string): IPFamily {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

function rangeFor(family: IPFamily): IPRange | undefined {
  return ipRanges.find((r) => r.family === family);
}

/** Canonical string of ip, or undefined if unparsable. */
function canonicalIP(ip: string): string | undefined {
  const p = parseIP(ip);
  return p ? formatIP(p.value, p.bits) : undefined;
}

// ---------------- reservations and the mutex ----------------


let lock: Promise<void> = Promise.resolve();
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const prev = lock;
  let release!: () => void;
  lock = new Promise<void>((r) => (release = r));
  await prev;
  try {
    return await fn();
  } finally {
    release();
  }
}

function ownerOf(obj: KObject, ctx?: OpContext): string {
  return `${obj.metadata?.namespace ?? ctx?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

function dropReservations(owner: string): void {
  for (const [k, r] of reservedIPs) if (r.owner === owner) reservedIPs.delete(k);
  for (const [k, r] of reservedPorts) if (r.owner === owner) reservedPorts.delete(k);
}

/** Tell the allocator the write of obj succeeded: storage is now authoritative for its IPs/ports. */
export function confirmServiceAllocation(obj: KObject): void {
  dropReservations(ownerOf(obj));
}

/** Tell the allocator the write of obj failed: forget what was reserved for it. */
export function releaseServiceAllocation(obj: KObject): void {
  dropReservations(ownerOf(obj));
}

interface Used {
  ips: Set<string>;
  ports: Set<number>;
}

function svcIPs(svc: Obj): string[] {
  const spec = asObj(svc['spec']) ?? {};
  const out = new Set<string>();
  const ips = Array.isArray(spec['clusterIPs']) ? spec['clusterIPs'] : [];
  for (const ip of [...ips, spec['clusterIP']]) {
    if (typeof ip !== 'string' || ip === '' || ip === 'None') continue;
    const c = canonicalIP(ip);
    if (c) out.add(c);
  }
  return [...out];
}

function svcPorts(svc: Obj): number[] {
  const spec = asObj(svc['spec']) ?? {};
  const out: number[] = [];
  for (const p of objs(spec['ports'])) if (num(p['nodePort']) > 0) out.push(num(p['nodePort']));
  if (num(spec['healthCheckNodePort']) > 0) out.push(num(spec['healthCheckNodePort']));
  return out;
}

/** Everything taken by other services (stored or reserved), excluding owner's own. */
async function usedBy(ctx: OpContext, owner: string): Promise<Used> {
  const services = await ctx.store.list('', 'services');
  const used: Used = { ips: new Set(), ports: new Set() };
  const now = Date.now();
  for (const s of services) {
    const o = `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
    const ips = svcIPs(s);
    const ports = svcPorts(s);
    // self-confirmation: a reservation visible in storage for the same owner is no longer needed
    for (const ip of ips) if (reservedIPs.get(ip)?.owner === o) reservedIPs.delete(ip);
    for (const p of ports) if (reservedPorts.get(p)?.owner === o) reservedPorts.delete(p);
    if (o === owner) continue;
    ips.forEach((ip) => used.ips.add(ip));
    ports.forEach((p) => used.ports.add(p));
  }
  for (const [ip, r] of reservedIPs) {
    if (r.expires < now) reservedIPs.delete(ip);
    else if (r.owner !== owner) used.ips.add(ip);
  }
  for (const [p, r] of reservedPorts) {
    if (r.expires < now) reservedPorts.delete(p);
    else if (r.owner !== owner) used.ports.add(p);
  }
  return used;
}

function reserve(obj: KObject, owner: string): void {
  dropReservations(owner);
  const expires = Date.now() + RESERVATION_TTL_MS;
  for (const ip of svcIPs(obj)) reservedIPs.set(ip, { owner, expires });
  for (const p of svcPorts(obj)) reservedPorts.set(p, { owner, expires });
}

// ---------------- allocation primitives ----------------

class AllocError extends Error {}
const ERR_ALLOCATED_IP = 'provided IP is already allocated';
const ERR_ALLOCATED_PORT = 'provided port is already allocated';
const ERR_FULL = 'range is full';

function allocateIP(r: IPRange, ip: string, used: Set<string>): string {
  const parsed = parseIP(ip);
  const canon = parsed ? formatIP(parsed.value, parsed.bits) : ip;
  const inRange = parsed !== undefined && parsed.bits === r.bits && parsed.value >= r.base && parsed.value < r.base + r.max;
  if (!inRange) throw new AllocError(`the provided IP (${canon}) is not in the valid range. The range of valid IPs is ${r.cidr}`);
  if (used.has(canon)) throw new AllocError(ERR_ALLOCATED_IP);
  used.add(canon);
  return canon;
}

function randomBig(n: bigint): bigint {
  // n fits in 2^16 for IPv6 (capped) and 2^32 for IPv4
  return BigInt(Math.floor(Math.random() * Number(n)));
}

function allocateNextIP(r: IPRange, used: Set<string>): string {
  // Dynamic band [offset, max) first, then the static band [0, offset); never index 0, which is
  // reserved for the kubernetes Service.
  const bands: [bigint, bigint][] = [
    [r.offset, r.max],
    [0n, r.offset < r.max ? r.offset : r.max],
  ];
  for (const [lo, hi] of bands) {
    const n = hi - lo;
    if (n <= 0n) continue;
    const start = randomBig(n);
    for (let i = 0n; i < n; i++) {
      const idx = lo + ((start + i) % n);
      if (idx === 0n) continue;
      const ip = formatIP(r.base + idx, r.bits);
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
  }
  throw new AllocError(ERR_FULL);
}

function allocatePort(port: number, used: Set<number>): void {
  if (port < portRange.base || port >= portRange.base + portRange.size) {
    throw new AllocError(`provided port is not in the valid range. The range of valid ports is ${portRange.text}`);
  }
  if (used.has(port)) throw new AllocError(ERR_ALLOCATED_PORT);
  used.add(port);
}

function allocateNextPort(used: Set<number>): number {
  const bands: [number, number][] = [
    [portRange.offset, portRange.size],
    [0, Math.min(portRange.offset, portRange.size)],
  ];
  for (const [lo, hi] of bands) {
    const n = hi - lo;
    if (n <= 0) continue;
    const start = Math.floor(Math.random() * n);
    for (let i = 0; i < n; i++) {
      const p = portRange.base + lo + ((start + i) % n);
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  }
  throw new AllocError(ERR_FULL);
}

// ---------------- service field helpers ----------------

function specOf(obj: KObject): Obj {
  const s = asObj(obj['spec']);
  if (s) return s;
  const n: Obj = {};
  obj['spec'] = n;
  return n;
}

function svcType(spec: Obj): string {
  return str(spec['type']) || 'ClusterIP';
}

export function needsClusterIP(spec: Obj): boolean {
  return svcType(spec) !== 'ExternalName';
}

export function needsNodePort(spec: Obj): boolean {
  const t = svcType(spec);
  return t === 'NodePort' || t === 'LoadBalancer';
}

export function needsHCNodePort(spec: Obj): boolean {
  return svcType(spec) === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local';
}

function shouldAllocateNodePorts(spec: Obj): boolean {
  const t = svcType(spec);
  if (t === 'NodePort') return true;
  if (t === 'LoadBalancer') return spec['allocateLoadBalancerNodePorts'] !== false;
  return false;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function nameOf(obj: KObject): string {
  return obj.metadata?.name ?? '';
}

function invalidSvc(obj: KObject, errs: FieldError[]) {
  return invalid('', 'Service', nameOf(obj), errs);
}

// ---------------- synchronous preparation (runs before validation, as kube's BeginCreate/BeginUpdate) ----------------

/** normalizeClusterIPs (pkg/registry/core/service/storage/storage.go). */
export function normalizeClusterIPs(spec: Obj, oldSpec: Obj | undefined): void {
  const ip = str(spec['clusterIP']);
  const ips = strList(spec['clusterIPs']);
  if (!oldSpec) {
    if (ip !== '' && ips.length === 0) spec['clusterIPs'] = [ip];
    return;
  }
  const oldIP = str(oldSpec['clusterIP']);
  const oldIPs = strList(oldSpec['clusterIPs']);
  if (oldIPs.length > 0 && ips.length === 0 && oldIP === ip) spec['clusterIPs'] = [...oldIPs];
  const same = sameList(oldIPs, strList(spec['clusterIPs']));
  if (oldIP !== ip) {
    if (oldIP !== '' && ip === '') {
      if (same) delete spec['clusterIPs'];
    } else if (same) spec['clusterIPs'] = [ip];
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** patchAllocatedValues: keep what we allocated when a client resubmits without it. */
export function patchAllocatedValues(spec: Obj, oldSpec: Obj): void {
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (str(spec['clusterIP']) === '' && !isNil(oldSpec['clusterIP'])) spec['clusterIP'] = oldSpec['clusterIP'];
    if (strList(spec['clusterIPs']).length === 0 && strList(oldSpec['clusterIPs']).length > 0) spec['clusterIPs'] = [...strList(oldSpec['clusterIPs'])];
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const usedOld = new Set(objs(oldSpec['ports']).map((p) => num(p['nodePort'])).filter((n) => n !== 0));
    const usedNew = new Set(objs(spec['ports']).map((p) => num(p['nodePort'])).filter((n) => n !== 0));
    const used = new Set([...usedOld].filter((n) => usedNew.has(n)));
    const byName = new Map<string, number>();
    for (const p of objs(oldSpec['ports'])) byName.set(str(p['name']), num(p['nodePort']));
    for (const p of objs(spec['ports'])) {
      if (num(p['nodePort']) === 0) {
        const oldVal = byName.get(str(p['name'])) ?? 0;
        if (!used.has(oldVal) && oldVal !== 0) p['nodePort'] = oldVal;
      }
    }
  }
  if (needsHCNodePort(oldSpec) && needsHCNodePort(spec)) {
    if (num(spec['healthCheckNodePort']) === 0 && num(oldSpec['healthCheckNodePort']) !== 0) spec['healthCheckNodePort'] = oldSpec['healthCheckNodePort'];
  }
}

/** The defaulting half of initIPFamilyFields (errors are raised later by checkIPFamilies). */
export function initIPFamilyFields(spec: Obj, oldSpec: Obj | undefined): void {
  if (!needsClusterIP(spec)) return;
  if (oldSpec && isMatchingPreferDualStack(spec, oldSpec)) return;
  const headlessSelectorless = str(spec['clusterIP']) === 'None' && Object.keys(asObj(spec['selector']) ?? {}).length === 0;
  if (isNil(spec['ipFamilyPolicy'])) {
    if (oldSpec && !isNil(oldSpec['ipFamilyPolicy'])) spec['ipFamilyPolicy'] = oldSpec['ipFamilyPolicy'];
    else if (headlessSelectorless) spec['ipFamilyPolicy'] = 'RequireDualStack';
    else spec['ipFamilyPolicy'] = 'SingleStack';
  }
  const policy = str(spec['ipFamilyPolicy']);
  const families = strList(spec['ipFamilies']);
  const ips = strList(spec['clusterIPs']);
  if (oldSpec && policy === 'SingleStack') {
    if (sameList(strList(oldSpec['clusterIPs']), ips) && ips.length > 1) spec['clusterIPs'] = ips.slice(0, 1);
    if (sameList(strList(oldSpec['ipFamilies']), families) && families.length > 1) spec['ipFamilies'] = families.slice(0, 1);
  }
  const fams = strList(spec['ipFamilies']);
  const curIPs = strList(spec['clusterIPs']);
  for (let i = 0; i < curIPs.length; i++) {
    const ip = curIPs[i]!;
    if (ip === 'None') break;
    if (!parseIP(ip)) break;
    if (i >= fams.length) {
      const fam = familyOf(ip);
      if (!rangeFor(fam)) break; // reported by checkIPFamilies
      fams.push(fam);
    }
  }
  if (headlessSelectorless) {
    if (fams.length === 0) fams.push(primaryIPFamily());
    if (fams.length < 2 && policy !== 'SingleStack') fams.push(fams[0] === 'IPv4' ? 'IPv6' : 'IPv4');
    spec['ipFamilies'] = fams;
    return;
  }
  if (fams.length === 0) fams.push(primaryIPFamily());
  if (policy !== 'SingleStack' && fams.length === 1 && ipRanges.length === 2) fams.push(fams[0] === 'IPv4' ? 'IPv6' : 'IPv4');
  spec['ipFamilies'] = fams;
}

function isMatchingPreferDualStack(spec: Obj, oldSpec: Obj): boolean {
  if (!needsClusterIP(oldSpec)) return false;
  if (str(oldSpec['ipFamilyPolicy']) !== 'PreferDualStack' || str(spec['ipFamilyPolicy']) !== 'PreferDualStack') return false;
  return sameList(strList(oldSpec['clusterIPs']), strList(spec['clusterIPs'])) && sameList(strList(oldSpec['ipFamilies']), strList(spec['ipFamilies']));
}

/** The error half of initIPFamilyFields. */
function checkIPFamilies(obj: KObject, spec: Obj): void {
  if (!needsClusterIP(spec)) return;
  const errs: FieldError[] = [];
  const policy = str(spec['ipFamilyPolicy']);
  const ips = strList(spec['clusterIPs']);
  const fams = strList(spec['ipFamilies']);
  if (policy === 'SingleStack') {
    if (ips.length === 2) errs.push(fieldErr.invalid('spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (fams.length === 2) errs.push(fieldErr.invalid('spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  ips.forEach((ip, i) => {
    if (ip === 'None' || !parseIP(ip)) return;
    if (!rangeFor(familyOf(ip)) && i >= fams.length) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, ips, `${familyOf(ip)} is not configured on this cluster`));
  });
  if (errs.length) throw invalidSvc(obj, errs);
  const headlessSelectorless = str(spec['clusterIP']) === 'None' && Object.keys(asObj(spec['selector']) ?? {}).length === 0;
  if (headlessSelectorless) return;
  if (policy === 'RequireDualStack' && ipRanges.length < 2) errs.push(fieldErr.invalid('spec.ipFamilyPolicy', policy, 'this cluster is not configured for dual-stack services'));
  fams.forEach((f, i) => {
    if (!rangeFor(f as IPFamily)) errs.push(fieldErr.invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
  });
  if (errs.length) throw invalidSvc(obj, errs);
}

// ---------------- async allocation ----------------

function allocClusterIPs(obj: KObject, spec: Obj, used: Used): void {
  if (!needsClusterIP(spec)) return;
  const ips = strList(spec['clusterIPs']);
  if (ips.length > 0 && ips[0] === 'None') return;
  const fams = strList(spec['ipFamilies']) as IPFamily[];
  const out = [...ips];
  fams.forEach((fam, i) => {
    if (i >= out.length) out.push('');
    const r = rangeFor(fam);
    if (!r) return;
    out[i] = allocOneIP(obj, r, out[i]!, used, ips);
  });
  spec['clusterIPs'] = out;
  if (out.length > 0) spec['clusterIP'] = out[0];
}

function allocOneIP(obj: KObject, r: IPRange, requested: string, used: Used, ipsForError: string[]): string {
  try {
    if (requested === '') return allocateNextIP(r, used.ips);
    allocateIP(r, requested, used.ips);
    return requested;
  } catch (e) {
    if (!(e instanceof AllocError)) throw e;
    if (requested === '') throw internalError(new Error(`failed to allocate a serviceIP: ${e.message}`));
    throw invalidSvc(obj, [fieldErr.invalid('spec.clusterIPs', ipsForError, `failed to allocate IP ${requested}: ${e.message}`)]);
  }
}

function initNodePorts(obj: KObject, spec: Obj, used: Set<number>): void {
  const ports = objs(spec['ports']);
  const svcPortToNodePort = new Map<number, number>();
  const findRequested = (port: number): number => {
    for (const p of ports) if (num(p['port']) === port && num(p['nodePort']) !== 0) return num(p['nodePort']);
    return 0;
  };
  ports.forEach((sp, i) => {
    const nodePort = num(sp['nodePort']);
    if (nodePort === 0 && !shouldAllocateNodePorts(spec)) return;
    const port = num(sp['port']);
    const allocated = svcPortToNodePort.get(port) ?? 0;
    if (allocated === 0) {
      const np = findRequested(port);
      if (np !== 0) {
        tryPort(obj, np, i, used);
        sp['nodePort'] = np;
        svcPortToNodePort.set(port, np);
      } else {
        const next = nextPort(used);
        sp['nodePort'] = next;
        svcPortToNodePort.set(port, next);
      }
    } else if (nodePort !== allocated) {
      if (nodePort === 0) sp['nodePort'] = allocated;
      else tryPort(obj, nodePort, i, used);
    }
  });
}

function tryPort(obj: KObject, port: number, i: number, used: Set<number>): void {
  try {
    allocatePort(port, used);
  } catch (e) {
    if (!(e instanceof AllocError)) throw e;
    throw invalidSvc(obj, [fieldErr.invalid(`spec.ports[${i}].nodePort`, port, e.message)]);
  }
}

function nextPort(used: Set<number>): number {
  try {
    return allocateNextPort(used);
  } catch (e) {
    if (!(e instanceof AllocError)) throw e;
    throw internalError(new Error(`failed to allocate a nodePort: ${e.message}`));
  }
}

function allocHealthCheckNodePort(spec: Obj, used: Set<number>): void {
  const hc = num(spec['healthCheckNodePort']);
  if (hc !== 0) {
    try {
      allocatePort(hc, used);
    } catch (e) {
      if (!(e instanceof AllocError)) throw e;
      throw internalError(new Error(`failed to allocate requested HealthCheck NodePort ${hc}: ${e.message}`));
    }
  } else {
    try {
      spec['healthCheckNodePort'] = allocateNextPort(used);
    } catch (e) {
      if (!(e instanceof AllocError)) throw e;
      throw internalError(new Error(`failed to allocate a HealthCheck NodePort 0: ${e.message}`));
    }
  }
}

function updateNodePorts(obj: KObject, spec: Obj, oldSpec: Obj, used: Set<number>): void {
  const oldNums = new Set(svcPorts({ spec: { ports: oldSpec['ports'] } }));
  const allocatedHere = new Set<number>();
  objs(spec['ports']).forEach((sp, i) => {
    const np = num(sp['nodePort']);
    if (np === 0 && !shouldAllocateNodePorts(spec)) return;
    if (np !== 0) {
      if (!oldNums.has(np) && !allocatedHere.has(np)) {
        tryPort(obj, np, i, used);
        allocatedHere.add(np);
      }
    } else {
      sp['nodePort'] = nextPort(used);
    }
  });
}

/** beforeCreate for services: allocate clusterIPs, nodePorts and the health-check nodePort. */
export async function allocateServiceCreate(obj: KObject, ctx: OpContext): Promise<void> {
  const spec = specOf(obj);
  const owner = ownerOf(obj, ctx);
  normalizeClusterIPs(spec, undefined);
  initIPFamilyFields(spec, undefined);
  checkIPFamilies(obj, spec);
  await withLock(async () => {
    const used = await usedBy(ctx, owner);
    allocClusterIPs(obj, spec, used);
    if (needsNodePort(spec)) initNodePorts(obj, spec, used.ports);
    if (needsHCNodePort(spec)) allocHealthCheckNodePort(spec, used.ports);
    if (!ctx.dryRun) reserve(obj, owner);
  });
}

/** beforeUpdate for services: allocate what the new type/ports need; releases are implicit. */
export async function allocateServiceUpdate(obj: KObject, old: KObject, ctx: OpContext): Promise<void> {
  const spec = specOf(obj);
  const oldSpec = asObj(old['spec']) ?? {};
  const owner = ownerOf(obj, ctx);
  checkIPFamilies(obj, spec);
  await withLock(async () => {
    const used = await usedBy(ctx, owner);
    // IPs: ExternalName -> ClusterIP types allocates everything; single -> dual allocates the secondary.
    const oldHeadless = strList(oldSpec['clusterIPs'])[0] === 'None';
    if (!needsClusterIP(oldSpec) && needsClusterIP(spec)) {
      allocClusterIPs(obj, spec, used);
    } else if (needsClusterIP(spec) && !oldHeadless && !isMatchingPreferDualStack(spec, oldSpec)) {
      const oldFams = strList(oldSpec['ipFamilies']);
      const fams = strList(spec['ipFamilies']) as IPFamily[];
      if (oldFams.length === 1 && fams.length === 2) {
        const ips = strList(spec['clusterIPs']);
        if (ips.length < 2) ips.push('');
        const r = rangeFor(fams[1]!);
        if (r) ips[1] = allocOneIP(obj, r, ips[1]!, used, ips);
        spec['clusterIPs'] = ips;
      }
    }
    if (needsNodePort(spec)) updateNodePorts(obj, spec, oldSpec, used.ports);
    const needed = needsHCNodePort(oldSpec);
    const needs = needsHCNodePort(spec);
    if (!needed && needs) allocHealthCheckNodePort(spec, used.ports);
    if (!ctx.dryRun) reserve(obj, owner);
  });
}

/** Test hook: forget all reservations. */
export function resetServiceAllocationState(): void {
  reservedIPs.clear();
  reservedPorts.clear();
}
