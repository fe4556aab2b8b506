/**
 * TLS material for the secure port: a self-signed CA, a serving certificate
 * and an admin client certificate, generated once and reused.
 *
 * Layout (all PEM; keys are PKCS#8 "PRIVATE KEY", mode 0600; directory 0700):
 *
 *   <dir>/pki/ca.crt          self-signed CA, CN=kubernetes-ca (10 years)
 *   <dir>/pki/ca.key
 *   <dir>/pki/apiserver.crt   serving cert, CN=kube-apiserver, EKU serverAuth,
 *   <dir>/pki/apiserver.key   SANs: localhost, kubernetes[.default[.svc[.cluster.local]]],
 *                             127.0.0.1, ::1, 10.96.0.1 + requested hosts (1 year)
 *   <dir>/pki/admin.crt       client cert, CN=kubernetes-admin, O=system:masters,
 *   <dir>/pki/admin.key       EKU clientAuth (1 year)
 *
 * Reuse: on every start the files are loaded and checked. The CA is kept as
 * long as it parses, matches its key, is a CA and has not expired, so
 * kubeconfigs written earlier keep working across restarts. The serving and
 * admin certificates are re-issued (by the same CA) when missing, not issued
 * by the current CA, not matching their key, expiring within 30 days, or
 * (serving cert) not covering every requested host.
 *
 * When --tls-cert-file/--tls-private-key-file are given they are served as
 * is (no apiserver.crt is generated), but the CA and the admin client
 * certificate are still generated in <dir>/pki: the admin kubeconfig
 * authenticates with a certificate from our CA, which is always part of the
 * client CA bundle. (The kubeconfig's certificate-authority-data is then the
 * caller's business: our CA does not sign the user-supplied serving cert.)
 *
 * Keys are ECDSA P-256 made with WebCrypto, so generation takes milliseconds.
 */
import { X509Certificate as NodeX509, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ipFamily } from '../util/ip.js';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';

// @peculiar/x509 (and its dependencies) take ~0.3 s to load: only certificate generation needs it.
let x509Module: typeof X509 | undefined;
async function loadX509(): Promise<typeof X509> {
  x509Module ??= await import('@peculiar/x509');
  return x509Module;
}

export interface TlsMaterial {
  caCertPem: string;
  caKeyPem: string;
  /** Serving certificate (chain) presented by the server. */
  serverCertPem: string;
  serverKeyPem: string;
  /** Admin client certificate (signed by our CA) for the admin kubeconfig. */
  adminCertPem: string;
  adminKeyPem: string;
  /** CA bundle used to verify client certs: our CA, plus --client-ca-file's contents if given. */
  clientCAPem: string;
  /** Directory holding the PEM files. */
  pkiDir: string;
  /** What this call (re)generated; all false when everything was reused. */
  generated: { ca: boolean; server: boolean; admin: boolean };
}

export interface EnsureTlsOptions {
  /** Data directory; the files go to `<dir>/pki/`. Created if needed. */
  dir: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCAFile?: string;
  /** Extra IPs and DNS names for the serving certificate's SANs (unspecified addresses are ignored). */
  hosts: string[];
  /** Clock override (tests). */
  now?: Date;
}

export const CA_COMMON_NAME = 'kubernetes-ca';
export const SERVER_COMMON_NAME = 'kube-apiserver';
export const ADMIN_USER = 'kubernetes-admin';
export const ADMIN_GROUP = 'system:masters';

/** SANs every generated serving certificate has. */
export const DEFAULT_SERVING_HOSTS: readonly string[] = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
  '127.0.0.1',
  '::1',
  '10.96.0.1',
];

export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'apiserver.crt',
  serverKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_MS = 10 * 365 * DAY_MS;
const LEAF_VALIDITY_MS = 365 * DAY_MS;
/** Leaf certificates closer than this to expiry are re-issued on start. */
const LEAF_RENEW_BEFORE_MS = 30 * DAY_MS;
/** Backdating of notBefore, for clock skew between hosts. */
const BACKDATE_MS = 5 * 60 * 1000;

const wc = webcrypto as unknown as Crypto;
const EC_ALG: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_SIGN: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export function pkiPaths(dir: string): { pkiDir: string } & { [K in keyof typeof PKI_FILES]: string } {
  const pkiDir = join(dir, 'pki');
  return {
    pkiDir,
    caCert: join(pkiDir, PKI_FILES.caCert),
    caKey: join(pkiDir, PKI_FILES.caKey),
    serverCert: join(pkiDir, PKI_FILES.serverCert),
    serverKey: join(pkiDir, PKI_FILES.serverKey),
    adminCert: join(pkiDir, PKI_FILES.adminCert),
    adminKey: join(pkiDir, PKI_FILES.adminKey),
  };
}

/**
 * The first usable address of the service CIDR (the `kubernetes` Service's
 * ClusterIP), e.g. 10.96.0.0/12 → 10.96.0.1. For a dual-stack value the
 * first CIDR is used.
 */
export function firstServiceIP(serviceClusterIPRange: string): string {
  const first = serviceClusterIPRange.split(',')[0]!.trim();
  const [addr, bitsStr] = first.split('/');
  const bytes = ipToBytes(addr ?? '');
  const bits = Number(bitsStr);
  if (!bytes || !Number.isInteger(bits) || bits < 0 || bits > bytes.length * 8) {
    throw new Error(`invalid CIDR address: ${first}`);
  }
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      bytes[i]!++;
      break;
    }
    bytes[i] = 0;
  }
  return formatIP(bytes);
}

export async function ensureTlsMaterial(opts: EnsureTlsOptions): Promise<TlsMaterial> {
  const now = opts.now ?? new Date();
  const p = pkiPaths(opts.dir);
  mkdirSync(p.pkiDir, { recursive: true, mode: 0o700 });
  const generated = { ca: false, server: false, admin: false };

  // --- CA
  let ca = loadPair(p.caCert, p.caKey);
  if (!ca || !ca.cert.ca || !validAt(ca.cert, now, 0)) {
    ca = await generateCA(now);
    writePair(p.caCert, p.caKey, ca);
    generated.ca = true;
  }
  const caSigningKey = await toSigningKey(ca.key);

  // --- serving certificate
  let serverCertPem: string;
  let serverKeyPem: string;
  if (opts.tlsCertFile !== undefined || opts.tlsPrivateKeyFile !== undefined) {
    if (opts.tlsCertFile === undefined || opts.tlsPrivateKeyFile === undefined) {
      throw new Error('--tls-cert-file and --tls-private-key-file must be specified together');
    }
    serverCertPem = readText(opts.tlsCertFile, '--tls-cert-file');
    serverKeyPem = readText(opts.tlsPrivateKeyFile, '--tls-private-key-file');
    let cert: NodeX509;
    let key: KeyObject;
    try {
      cert = new NodeX509(serverCertPem);
    } catch (err) {
      throw new Error(`--tls-cert-file ${opts.tlsCertFile}: not a PEM certificate: ${errMsg(err)}`);
    }
    try {
      key = createPrivateKey(serverKeyPem);
    } catch (err) {
      throw new Error(`--tls-private-key-file ${opts.tlsPrivateKeyFile}: not a PEM private key: ${errMsg(err)}`);
    }
    if (!cert.checkPrivateKey(key)) {
      throw new Error(
        `--tls-private-key-file ${opts.tlsPrivateKeyFile} does not match the certificate in --tls-cert-file ${opts.tlsCertFile}`,
      );
    }
  } else {
    const hosts = servingHosts(opts.hosts);
    let server = loadPair(p.serverCert, p.serverKey);
    if (!server || !issuedBy(server.cert, ca.cert) || !validAt(server.cert, now, LEAF_RENEW_BEFORE_MS) || !covers(server.cert, hosts)) {
      // Keep any host the old certificate already served, so that a restart
      // with fewer --advertise-address/--bind-address values does not drop names.
      const old = server && issuedBy(server.cert, ca.cert) ? sanHosts(server.cert) : [];
      server = await issueLeaf({
        now,
        caCert: ca.cert,
        caKey: caSigningKey,
        subject: [{ CN: [SERVER_COMMON_NAME] }],
        usage: 'serverAuth',
        hosts: servingHosts([...hosts, ...old]),
      });
      writePair(p.serverCert, p.serverKey, server);
      generated.server = true;
    }
    serverCertPem = server.certPem;
    serverKeyPem = server.keyPem;
  }

  // --- admin client certificate
  let admin = loadPair(p.adminCert, p.adminKey);
  if (
    !admin ||
    !issuedBy(admin.cert, ca.cert) ||
    !validAt(admin.cert, now, LEAF_RENEW_BEFORE_MS) ||
    !isAdminSubject(admin.cert)
  ) {
    admin = await issueLeaf({
      now,
      caCert: ca.cert,
      caKey: caSigningKey,
      subject: [{ O: [ADMIN_GROUP] }, { CN: [ADMIN_USER] }],
      usage: 'clientAuth',
      hosts: [],
    });
    writePair(p.adminCert, p.adminKey, admin);
    generated.admin = true;
  }

  // --- client CA bundle
  let clientCAPem = ensureTrailingNewline(ca.certPem);
  if (opts.clientCAFile !== undefined) {
    const extra = readText(opts.clientCAFile, '--client-ca-file');
    if (!/-----BEGIN CERTIFICATE-----/.test(extra)) {
      throw new Error(`--client-ca-file ${opts.clientCAFile}: no PEM certificate found`);
    }
    clientCAPem += ensureTrailingNewline(extra);
  }

  return {
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    serverCertPem,
    serverKeyPem,
    adminCertPem: admin.certPem,
    adminKeyPem: admin.keyPem,
    clientCAPem,
    pkiDir: p.pkiDir,
    generated,
  };
}

// ---------------------------------------------------------------------------
// Loading and storing

interface Pair {
  certPem: string;
  keyPem: string;
  cert: NodeX509;
  key: KeyObject;
}

/** Loads a cert/key pair; undefined if missing, unreadable or mismatched. */
function loadPair(certPath: string, keyPath: string): Pair | undefined {
  if (!existsSync(certPath) || !existsSync(keyPath)) return undefined;
  try {
    const certPem = readFileSync(certPath, 'utf8');
    const keyPem = readFileSync(keyPath, 'utf8');
    const cert = new NodeX509(certPem);
    const key = createPrivateKey(keyPem);
    if (!cert.checkPrivateKey(key)) return undefined;
    return { certPem, keyPem, cert, key };
  } catch {
    return undefined;
  }
}

function writePair(certPath: string, keyPath: string, pair: Pair): void {
  // Key first: a crash in between leaves a cert-less key, which is regenerated.
  writeAtomic(keyPath, pair.keyPem, 0o600);
  writeAtomic(certPath, pair.certPem, 0o644);
}

function writeAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode); // umask may have narrowed or (for 0644) not mattered; be exact
  renameSync(tmp, path);
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${flag}: cannot read ${path}: ${errMsg(err)}`);
  }
}

// ---------------------------------------------------------------------------
// Checks

function validAt(cert: NodeX509, now: Date, renewBeforeMs: number): boolean {
  const notBefore = new Date(cert.validFrom).getTime();
  const notAfter = new Date(cert.validTo).getTime();
  return notBefore <= now.getTime() + BACKDATE_MS && notAfter > now.getTime() + renewBeforeMs;
}

function issuedBy(cert: NodeX509, ca: NodeX509): boolean {
  try {
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

function covers(cert: NodeX509, hosts: string[]): boolean {
  for (const h of hosts) {
    if (ipFamily(h)) {
      if (cert.checkIP(h) === undefined) return false;
    } else if (cert.checkHost(h, { subject: 'never', wildcards: false }) === undefined) {
      return false;
    }
  }
  return true;
}

function isAdminSubject(cert: NodeX509): boolean {
  const lines = cert.subject.split('\n');
  return lines.includes(`CN=${ADMIN_USER}`) && lines.includes(`O=${ADMIN_GROUP}`);
}

/** DNS names and IPs in a certificate's subjectAltName. */
function sanHosts(cert: NodeX509): string[] {
  const san = cert.subjectAltName;
  if (!san) return [];
  const out: string[] = [];
  for (const part of san.split(', ')) {
    if (part.startsWith('DNS:')) out.push(part.slice(4));
    else if (part.startsWith('IP Address:')) out.push(part.slice(11));
  }
  return out;
}

/** Default SANs + requested hosts, normalized and de-duplicated (DNS names lowercased, IPs canonical). */
function servingHosts(extra: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of [...DEFAULT_SERVING_HOSTS, ...extra]) {
    let h = raw.trim();
    if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
    if (h === '') continue;
    const bytes = ipToBytes(h);
    if (bytes) {
      if (bytes.every((b) => b === 0)) continue; // 0.0.0.0 / :: are not addresses to connect to
      h = formatIP(bytes);
    } else {
      h = h.toLowerCase();
    }
    if (!seen.has(h)) {
      seen.add(h);
      out.push(h);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Generation

async function generateKeyPair(): Promise<CryptoKeyPair> {
  return wc.subtle.generateKey(EC_ALG, true, ['sign', 'verify']);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await wc.subtle.exportKey('pkcs8', key));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

/** Positive serial number with a minimal DER encoding (Go rejects negative serials). */
function serialNumber(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

/** Imports a private key (any format Node reads) as a WebCrypto signing key. */
async function toSigningKey(key: KeyObject): Promise<{ key: CryptoKey; alg: Algorithm | EcdsaParams }> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : 'P-256';
    const hash = namedCurve === 'P-384' ? 'SHA-384' : namedCurve === 'P-521' ? 'SHA-512' : 'SHA-256';
    const k = await wc.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']);
    return { key: k, alg: { name: 'ECDSA', hash } as EcdsaParams };
  }
  if (type === 'rsa') {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const k = await wc.subtle.importKey('pkcs8', der, alg, false, ['sign']);
    return { key: k, alg };
  }
  throw new Error(`unsupported CA key type ${String(type)}`);
}

async function publicCryptoKey(cert: NodeX509): Promise<CryptoKey> {
  const pub = cert.publicKey.export({ type: 'spki', format: 'der' });
  const type = cert.publicKey.asymmetricKeyType;
  if (type === 'ec') {
    const curve = cert.publicKey.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : 'P-256';
    return wc.subtle.importKey('spki', pub, { name: 'ECDSA', namedCurve }, true, ['verify']);
  }
  return wc.subtle.importKey('spki', pub, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
}

async function generateCA(now: Date): Promise<Pair> {
  const x509 = await loadX509();
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: [{ CN: [CA_COMMON_NAME] }],
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + CA_VALIDITY_MS),
      keys,
      signingAlgorithm: EC_SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, wc),
      ],
    },
    wc,
  );
  const certPem = cert.toString('pem') + '\n';
  const keyPem = await privateKeyPem(keys.privateKey);
  return { certPem, keyPem, cert: new NodeX509(certPem), key: createPrivateKey(keyPem) };
}

async function issueLeaf(o: {
  now: Date;
  caCert: NodeX509;
  caKey: { key: CryptoKey; alg: Algorithm | EcdsaParams };
  subject: X509.JsonName;
  usage: 'serverAuth' | 'clientAuth';
  hosts: string[];
}): Promise<Pair> {
  const keys = await generateKeyPair();
  const x509 = await loadX509();
  const issuer = new x509.X509Certificate(o.caCert.raw);
  const caPub = await publicCryptoKey(o.caCert);
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([o.usage === 'serverAuth' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth], false),
    await x509.AuthorityKeyIdentifierExtension.create(caPub, false, wc),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, wc),
  ];
  if (o.hosts.length > 0) {
    const dns = o.hosts.filter((h) => !ipFamily(h)).map((value) => ({ type: 'dns' as const, value }));
    const ips = o.hosts.filter((h) => ipFamily(h)).map((value) => ({ type: 'ip' as const, value: sanIP(value) }));
    extensions.push(new x509.SubjectAlternativeNameExtension([...dns, ...ips], false));
  }
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: o.subject,
      issuer: issuer.subjectName,
      notBefore: new Date(o.now.getTime() - BACKDATE_MS),
      notAfter: new Date(Math.min(o.now.getTime() + LEAF_VALIDITY_MS, issuer.notAfter.getTime())),
      publicKey: keys.publicKey,
      signingKey: o.caKey.key,
      signingAlgorithm: o.caKey.alg,
      extensions,
    },
    wc,
  );
  const certPem = cert.toString('pem') + '\n';
  const keyPem = await privateKeyPem(keys.privateKey);
  return { certPem, keyPem, cert: new NodeX509(certPem), key: createPrivateKey(keyPem) };
}

// ---------------------------------------------------------------------------
// IP helpers

/** Parses an IPv4 or IPv6 address (IPv4-mapped IPv6 becomes IPv4, as Go does for SAN matching). */
function ipToBytes(s: string): number[] | undefined {
  const fam = ipFamily(s);
  if (fam === 4) return s.split('.').map(Number);
  if (fam !== 6) return undefined;
  let addr = s;
  const zone = addr.indexOf('%');
  if (zone >= 0) addr = addr.slice(0, zone);
  let tail: number[] = [];
  const lastColon = addr.lastIndexOf(':');
  if (addr.slice(lastColon + 1).includes('.')) {
    tail = addr.slice(lastColon + 1).split('.').map(Number);
    addr = addr.slice(0, lastColon + 1) + '0:0';
  }
  const [l, r] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const left = l ? l.split(':') : [];
  const right = r ? r.split(':') : [];
  const groups = r === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes: number[] = [];
  for (const g of groups) {
    const n = parseInt(g, 16);
    bytes.push((n >> 8) & 0xff, n & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function formatIP(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** The form @peculiar/x509 encodes reliably: dotted IPv4 or 8 uncompressed IPv6 groups. */
function sanIP(ip: string): string {
  const bytes = ipToBytes(ip);
  if (!bytes) throw new Error(`invalid IP address ${ip}`);
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

function ensureTrailingNewline(s: string): string {
  return s.endsWith('\n') ? s : s + '\n';
}

function errMsg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
