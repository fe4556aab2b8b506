/**
 * Command-line options of the server (a subset of kube-apiserver's flags).
 *
 * Parsing follows spf13/pflag's conventions and error messages, which is what
 * kube-apiserver uses:
 *   - `--flag value` and `--flag=value` are both accepted; a flag that needs a
 *     value consumes the next argument whatever it looks like;
 *   - `-h` / `--help` request the usage text (reported as `help: true`);
 *   - `--` ends flag parsing; positional arguments are rejected, like
 *     kube-apiserver does.
 * Values are validated here (ports, IPs, CIDRs, port ranges) so that a bad
 * command line fails before anything is started.
 */
import { isIP } from 'node:net';
import { parseGoBool } from '../util/strconv.js';

export interface ServerOptions {
  /** --secure-port, default 6443; 0 = ephemeral port chosen by the OS. */
  securePort: number;
  /** --bind-address, default 127.0.0.1 (kube's default is 0.0.0.0; ours is loopback for safety). */
  bindAddress: string;
  /** --data-dir: SQLite database, pki/ and admin.kubeconfig live here. undefined = in-memory storage, temp dir for certs. */
  dataDir?: string;
  /** --tls-cert-file */
  tlsCertFile?: string;
  /** --tls-private-key-file */
  tlsPrivateKeyFile?: string;
  /** --client-ca-file */
  clientCAFile?: string;
  /** --service-cluster-ip-range, default 10.96.0.0/12. One CIDR, or two (IPv4 and IPv6, dual stack) separated by a comma. */
  serviceClusterIPRange: string;
  /** --service-node-port-range, default 30000-32767 ("a-b", "a+n" or a single port). */
  serviceNodePortRange: string;
  /** --etcd-servers (comma separated; repeatable). Accepted now, used later. */
  etcdServers?: string[];
  /** --etcd-cafile: CA bundle that verifies the etcd members' serving certificates (https:// endpoints). */
  etcdCAFile?: string;
  /** --etcd-certfile / --etcd-keyfile: the client certificate and key presented to etcd. */
  etcdCertFile?: string;
  etcdKeyFile?: string;
  /** --etcd-servers-overrides: per-resource etcd servers, e.g. "/events#http://a:2379;http://b:2379" (group/resource#servers). */
  etcdServersOverrides?: EtcdServersOverride[];
  /** --etcd-prefix, default /registry */
  etcdPrefix: string;
  /** --etcd-compaction-interval in milliseconds (Go duration on the command line), default 5m; 0 disables. Compacts SQLite's log too. */
  etcdCompactionIntervalMs: number;
  /** --event-ttl in milliseconds (Go duration on the command line), default 1h: Events are deleted this long after their last write; under 1 s = kept. */
  eventTTLMs: number;
  /** --lease-reuse-duration-seconds, default 60: how long an etcd lease for TTL'd writes (Events) is shared. */
  leaseReuseDurationSeconds: number;
  /** --watch-cache, default true: serve lists and watches from a cache per resource (false: from storage). */
  watchCache: boolean;
  /** --runtime-config, raw string (parsed later). */
  runtimeConfig?: string;
  /** --advertise-address */
  advertiseAddress?: string;
  /** Set when -h/--help was given: the caller should print usage() and exit 0. */
  help?: boolean;
}

export interface EtcdServersOverride {
  /** '' for the core group. */
  group: string;
  resource: string;
  servers: string[];
}

const OVERRIDE_FORMAT = '--etcd-servers-overrides invalid, must be of format: group/resource#servers, where servers are URLs, semicolon separated';

/** One --etcd-servers-overrides item: "group/resource#url;url" (kube's validation and message). */
export function parseEtcdServersOverride(item: string): EtcdServersOverride {
  const tokens = item.split('#');
  if (tokens.length !== 2) throw new RangeError(OVERRIDE_FORMAT);
  const gr = tokens[0]!.split('/');
  if (gr.length !== 2) throw new RangeError(OVERRIDE_FORMAT);
  return { group: gr[0]!, resource: gr[1]!, servers: tokens[1]!.split(';').filter((x) => x !== '') };
}

export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

export const PROGRAM_NAME = 'kube-apiserver-ts';

export const DEFAULT_SECURE_PORT = 6443;
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';
export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/12';
export const DEFAULT_SERVICE_NODE_PORT_RANGE = '30000-32767';
export const DEFAULT_ETCD_PREFIX = '/registry';

export function defaultOptions(): ServerOptions {
  return {
    securePort: DEFAULT_SECURE_PORT,
    bindAddress: DEFAULT_BIND_ADDRESS,
    serviceClusterIPRange: DEFAULT_SERVICE_CLUSTER_IP_RANGE,
    serviceNodePortRange: DEFAULT_SERVICE_NODE_PORT_RANGE,
    etcdPrefix: DEFAULT_ETCD_PREFIX,
    etcdCompactionIntervalMs: 5 * 60 * 1000,
    eventTTLMs: 60 * 60 * 1000,
    watchCache: true,
    leaseReuseDurationSeconds: 60,
  };
}

/** Go's time.ParseDuration for the units flags use (ns, us, ms, s, m, h), e.g. "5m0s", "1h30m", "0". */
export function parseGoDuration(s: string): number {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  let total = 0;
  let i = 0;
  let neg = false;
  if (s.startsWith('-')) {
    neg = true;
    i = 1;
  }
  if (i >= s.length) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
    total += Number(m[1]) * unit[m[2]!]!;
    i = re.lastIndex;
  }
  return neg ? -total : total;
}

// ---------------------------------------------------------------------------
// Value parsers (each throws a plain Error whose message pflag would append
// after `invalid argument "<v>" for "--<flag>" flag: `).

/** Go's strconv.ParseInt(s, 0, 64) (pflag's int flags use base 0). */
export function goParseInt(s: string): number {
  const fail = (why: string): never => {
    throw new Error(`strconv.ParseInt: parsing ${goQuote(s)}: ${why}`);
  };
  let body = s;
  let neg = false;
  if (body.startsWith('+') || body.startsWith('-')) {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  if (body === '') fail('invalid syntax');
  let base = 10;
  let prefixed = false;
  const lower = body.toLowerCase();
  if (lower.startsWith('0x')) {
    base = 16;
    body = body.slice(2);
    prefixed = true;
  } else if (lower.startsWith('0o')) {
    base = 8;
    body = body.slice(2);
    prefixed = true;
  } else if (lower.startsWith('0b')) {
    base = 2;
    body = body.slice(2);
    prefixed = true;
  } else if (body.length > 1 && body.startsWith('0')) {
    base = 8;
    body = body.slice(1);
    prefixed = true;
  }
  // Underscores are only allowed with a base prefix, between digits.
  if (body.includes('_')) {
    if (!prefixed || !/^_?[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*$/.test(body)) fail('invalid syntax');
    body = body.replace(/_/g, '');
  }
  if (body === '') fail('invalid syntax');
  const digits = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(body)) fail('invalid syntax');
  let v = 0n;
  for (const ch of body.toLowerCase()) v = v * BigInt(base) + BigInt(parseInt(ch, 36));
  if (neg) v = -v;
  if (v > 9223372036854775807n || v < -9223372036854775808n) fail('value out of range');
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    // Valid int64 but beyond what we represent; every caller range-checks anyway.
    return neg ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  }
  return Number(v);
}

/** Go's strconv.Atoi (base 10 only). */
function goAtoi(s: string): number {
  let body = s;
  if (body.startsWith('+') || body.startsWith('-')) body = body.slice(1);
  if (!/^[0-9]+$/.test(body)) throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) {
    throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  }
  return Number(v);
}

/** Go's %q for plain strings (good enough for command-line values). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** pflag's IP flag: net.ParseIP(strings.TrimSpace(s)). Returns the trimmed address. */
export function parseIPFlag(s: string): string {
  const t = s.trim();
  if (isIP(t) === 0) throw new Error(`failed to parse IP: ${goQuote(s)}`);
  return t;
}

export interface ParsedCIDR {
  family: 4 | 6;
  /** The address as written (may have host bits set, as Go's ParseCIDR allows). */
  address: string;
  prefix: number;
}

/** Go's net.ParseCIDR syntax check: "<ip>/<decimal prefix>" with prefix ≤ 32 / 128. */
export function parseCIDR(s: string): ParsedCIDR {
  const slash = s.indexOf('/');
  const bad = (): never => {
    throw new Error(`invalid CIDR address: ${s}`);
  };
  if (slash < 0) bad();
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const family = isIP(addr);
  // Go rejects IPv6 zones in CIDRs and non-decimal / signed / overlong prefixes.
  if (family === 0 || addr.includes('%')) bad();
  if (!/^[0-9]{1,3}$/.test(bits)) bad();
  const prefix = Number(bits);
  if ((family === 4 && prefix > 32) || (family === 6 && prefix > 128)) bad();
  return { family: family === 4 ? 4 : 6, address: addr, prefix };
}

/**
 * --service-cluster-ip-range: one CIDR, or an IPv4 and an IPv6 CIDR separated
 * by a comma (dual stack). kube-apiserver also limits the size: at most 20
 * host bits (mask ≥ 12 for IPv4, ≥ 108 for IPv6).
 */
export function parseServiceCIDRs(s: string): ParsedCIDR[] {
  const parts = s.split(',').map((p) => p.trim());
  if (parts.length > 2) {
    throw new Error('--service-cluster-ip-range can contain at most two CIDRs (one IPv4, one IPv6)');
  }
  const cidrs = parts.map((p) => parseCIDR(p));
  if (cidrs.length === 2 && cidrs[0]!.family === cidrs[1]!.family) {
    throw new Error('--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family');
  }
  for (const c of cidrs) {
    const bits = c.family === 4 ? 32 : 128;
    if (bits - c.prefix > 20) {
      throw new Error(
        `specified --service-cluster-ip-range is too large; for ${bits}-bit addresses, the mask must be >= ${bits - 20}`,
      );
    }
  }
  return cidrs;
}

export interface PortRange {
  base: number;
  size: number;
}

/** k8s.io/apimachinery/pkg/util/net.PortRange.Set: "a-b", "a+n" or "a". */
export function parsePortRange(value: string): PortRange {
  const v = value.trim();
  if (v === '') return { base: 0, size: 0 };
  const hyphen = v.indexOf('-');
  const plus = v.indexOf('+');
  let low: number;
  let high: number;
  if (hyphen === -1 && plus === -1) {
    low = high = goAtoi(v);
  } else if (hyphen !== -1 && plus === -1) {
    low = goAtoi(v.slice(0, hyphen));
    high = goAtoi(v.slice(hyphen + 1));
  } else if (plus !== -1 && hyphen === -1) {
    low = goAtoi(v.slice(0, plus));
    high = low + goAtoi(v.slice(plus + 1));
  } else {
    throw new Error(`unable to parse port range: ${v}`);
  }
  if (low > 65535 || high > 65535) throw new Error(`the port range cannot be greater than 65535: ${v}`);
  if (high < low) throw new Error(`end port cannot be less than start port: ${v}`);
  return { base: low, size: 1 + high - low };
}

// ---------------------------------------------------------------------------
// Flag table.

interface FlagDef {
  name: string;
  /** Shown in usage, like pflag's Type(); 'bool' flags take no argument (`--flag` = true, `--flag=false`). */
  type: string;
  usage: string;
  /** Applies the value; throws Error(reason) for a malformed value. */
  set(o: ServerOptions, value: string): void;
}

type OptionalStringKey = 'clientCAFile' | 'dataDir' | 'tlsCertFile' | 'tlsPrivateKeyFile' | 'etcdCAFile' | 'etcdCertFile' | 'etcdKeyFile';

/** A string flag (a path) where an empty value unsets it. */
function optionalString(name: string, key: OptionalStringKey, usage: string): FlagDef {
  return {
    name,
    type: 'string',
    usage,
    set(o, v) {
      o[key] = v === '' ? undefined : v;
    },
  };
}

const FLAGS: FlagDef[] = [
  {
    name: 'advertise-address',
    type: 'ip',
    usage: 'The IP address on which to advertise the apiserver to members of the cluster.',
    set(o, v) {
      o.advertiseAddress = parseIPFlag(v);
    },
  },
  {
    name: 'bind-address',
    type: 'ip',
    usage: `The IP address on which to listen for the --secure-port port. (default ${DEFAULT_BIND_ADDRESS}; use 0.0.0.0 or :: for all interfaces)`,
    set(o, v) {
      o.bindAddress = parseIPFlag(v);
    },
  },
  optionalString('client-ca-file', 'clientCAFile', 'If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated with an identity corresponding to the CommonName of the client certificate. (The server\'s own CA, which issues the admin certificate, is always trusted too.)'),
  optionalString('data-dir', 'dataDir', 'Directory for the SQLite database, the generated certificates (pki/) and admin.kubeconfig. If unset, storage is in memory and certificates go to a temporary directory.'),
  optionalString('etcd-cafile', 'etcdCAFile', 'SSL Certificate Authority file used to secure etcd communication.'),
  optionalString('etcd-certfile', 'etcdCertFile', 'SSL certification file used to secure etcd communication.'),
  {
    name: 'etcd-compaction-interval',
    type: 'duration',
    usage: 'The interval of compaction requests. If 0, the compaction request from apiserver is disabled. (default 5m0s)',
    set(o, v) {
      o.etcdCompactionIntervalMs = parseGoDuration(v);
    },
  },
  optionalString('etcd-keyfile', 'etcdKeyFile', 'SSL key file used to secure etcd communication.'),
  {
    name: 'etcd-prefix',
    type: 'string',
    usage: `The prefix to prepend to all resource paths in etcd. (default "${DEFAULT_ETCD_PREFIX}")`,
    set(o, v) {
      o.etcdPrefix = v;
    },
  },
  {
    name: 'etcd-servers',
    type: 'strings',
    usage: 'List of etcd servers to connect with (scheme://ip:port), comma separated.',
    set(o, v) {
      const items = v === '' ? [] : v.split(',').map((s) => s.trim());
      o.etcdServers = [...(o.etcdServers ?? []), ...items];
    },
  },
  {
    name: 'etcd-servers-overrides',
    type: 'strings',
    usage:
      'Per-resource etcd servers overrides, comma separated. The individual override format: group/resource#servers, where servers are URLs, semicolon separated. Note that this applies only to resources compiled into this server binary. ',
    set(o, v) {
      const items = v === '' ? [] : v.split(',').map((s) => parseEtcdServersOverride(s.trim()));
      o.etcdServersOverrides = [...(o.etcdServersOverrides ?? []), ...items];
    },
  },
  {
    name: 'event-ttl',
    type: 'duration',
    usage: 'Amount of time to retain events. (default 1h0m0s)',
    set(o, v) {
      o.eventTTLMs = parseGoDuration(v);
    },
  },
  {
    name: 'lease-reuse-duration-seconds',
    type: 'int',
    usage:
      'The time in seconds that each lease is reused. A lower value could avoid large number of objects reusing the same lease. Notice that a too small value may cause performance problems at storage layer. (default 60)',
    set(o, v) {
      o.leaseReuseDurationSeconds = goParseInt(v);
    },
  },
  {
    name: 'runtime-config',
    type: 'mapStringString',
    usage:
      'A set of key=value pairs that enable or disable built-in APIs, e.g. "api/all=false,apps/v1=true".',
    set(o, v) {
      o.runtimeConfig = o.runtimeConfig ? `${o.runtimeConfig},${v}` : v;
    },
  },
  {
    name: 'secure-port',
    type: 'int',
    usage: `The port on which to serve HTTPS with authentication and authorization. 0 picks an ephemeral port. (default ${DEFAULT_SECURE_PORT})`,
    set(o, v) {
      const n = goParseInt(v);
      if (n < 0 || n > 65535) {
        throw new RangeError(`--secure-port ${n} must be between 0 and 65535, inclusive. 0 for an ephemeral port`);
      }
      o.securePort = n;
    },
  },
  {
    name: 'service-cluster-ip-range',
    type: 'string',
    usage: `A CIDR notation IP range from which to assign service cluster IPs; "<IPv4 CIDR>,<IPv6 CIDR>" for dual stack. (default "${DEFAULT_SERVICE_CLUSTER_IP_RANGE}")`,
    set(o, v) {
      parseServiceCIDRs(v);
      o.serviceClusterIPRange = v.split(',').map((s) => s.trim()).join(',');
    },
  },
  {
    name: 'service-node-port-range',
    type: 'portRange',
    usage: `A port range to reserve for services with NodePort visibility, e.g. "30000-32767". Inclusive at both ends. (default ${DEFAULT_SERVICE_NODE_PORT_RANGE})`,
    set(o, v) {
      const pr = parsePortRange(v);
      o.serviceNodePortRange = pr.size === 0 ? '' : `${pr.base}-${pr.base + pr.size - 1}`;
    },
  },
  optionalString('tls-cert-file', 'tlsCertFile', 'File containing the default x509 certificate for HTTPS (CA cert, if any, concatenated after server cert). If unset, a self-signed CA and serving certificate are generated in <data-dir>/pki.'),
  optionalString('tls-private-key-file', 'tlsPrivateKeyFile', 'File containing the default x509 private key matching --tls-cert-file.'),
  {
    name: 'watch-cache',
    type: 'bool',
    usage: 'Enable watch caching in the apiserver (default true)',
    set(o, v) {
      o.watchCache = parseGoBool(v);
    },
  },
];

const FLAG_BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));

/**
 * Parses the command line (without the node/script prefix: pass
 * `process.argv.slice(2)`). Throws OptionsError with pflag-like messages.
 */
export function parseArgs(argv: string[]): ServerOptions {
  const o = defaultOptions();
  const positional: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const s = argv[i++]!;
    if (s.length === 0 || s[0] !== '-' || s === '-') {
      positional.push(s);
      continue;
    }
    if (s === '--') {
      positional.push(...argv.slice(i));
      break;
    }
    if (s.startsWith('--')) {
      const body = s.slice(2);
      if (body.length === 0 || body[0] === '-' || body[0] === '=') {
        throw new OptionsError(`bad flag syntax: ${s}`);
      }
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      if (name === 'help') {
        o.help = true;
        continue;
      }
      const def = FLAG_BY_NAME.get(name);
      if (!def) throw new OptionsError(`unknown flag: --${name}`);
      let value: string;
      if (eq >= 0) {
        value = body.slice(eq + 1);
      } else if (def.type === 'bool') {
        value = 'true';
      } else if (i < argv.length) {
        value = argv[i++]!;
      } else {
        throw new OptionsError(`flag needs an argument: ${s}`);
      }
      applyFlag(o, def, value);
      continue;
    }
    // Shorthand flags: only -h exists.
    const shorts = s.slice(1);
    for (const c of shorts) {
      if (c === 'h') {
        o.help = true;
        continue;
      }
      if (c === '=') throw new OptionsError(`unknown shorthand flag: '=' in ${s}`);
      throw new OptionsError(`unknown shorthand flag: '${c}' in ${s}`);
    }
  }
  if (positional.length > 0 && !o.help) {
    throw new OptionsError(
      `"${PROGRAM_NAME}" does not take any arguments, got [${positional.map(goQuote).join(' ')}]`,
    );
  }
  if (!o.help && (o.tlsCertFile === undefined) !== (o.tlsPrivateKeyFile === undefined)) {
    throw new OptionsError('--tls-cert-file and --tls-private-key-file must be specified together');
  }
  if (!o.help && o.etcdServersOverrides?.length && !o.etcdServers?.length) {
    throw new OptionsError('--etcd-servers-overrides needs --etcd-servers (the default store for every other resource)');
  }
  if (!o.help && (o.etcdCertFile === undefined) !== (o.etcdKeyFile === undefined)) {
    throw new OptionsError('--etcd-certfile and --etcd-keyfile must be specified together');
  }
  return o;
}

function applyFlag(o: ServerOptions, def: FlagDef, value: string): void {
  try {
    def.set(o, value);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // Validation errors (as opposed to parse errors) are reported bare, like
    // kube-apiserver's options validation.
    if (err instanceof RangeError) throw new OptionsError(reason);
    throw new OptionsError(`invalid argument ${goQuote(value)} for "--${def.name}" flag: ${reason}`);
  }
}

/** The --help text. */
export function usage(): string {
  const rows = [
    ...FLAGS.map((f) => ({ left: `      --${f.name}${f.type === 'bool' ? '' : ` ${f.type}`}`, usage: f.usage })),
    { left: '  -h, --help', usage: `help for ${PROGRAM_NAME}` },
  ];
  const width = Math.max(...rows.map((r) => r.left.length)) + 3;
  const lines = [
    `${PROGRAM_NAME}: a Kubernetes 1.32-compatible API server (embedded SQLite storage).`,
    '',
    'Usage:',
    `  ${PROGRAM_NAME} [flags]`,
    '',
    'Flags:',
    ...rows.map((r) => r.left.padEnd(width) + r.usage),
    '',
  ];
  return lines.join('\n');
}
