import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import http2 from 'node:http2';
import https from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { ipFamily } from '../src/util/ip.js';
import type { TLSSocket } from 'node:tls';
import { parse as parseYaml } from 'yaml';

import { OptionsError, parseArgs, usage, parsePortRange } from '../src/server/options.js';
import { ensureTlsMaterial, firstServiceIP, pkiPaths } from '../src/server/certs.js';
import type { TlsMaterial } from '../src/server/certs.js';
import { adminKubeconfig, writeKubeconfig } from '../src/server/kubeconfig.js';
import { anonymousUser, userFromClientCert } from '../src/server/authn.js';
import type { UserInfo } from '../src/api/types.js';

const tmpDirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'kas-certs-test-'));
  tmpDirs.push(d);
  return d;
}
after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function parseErr(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (err) {
    assert.ok(err instanceof OptionsError, `expected OptionsError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`parseArgs(${JSON.stringify(argv)}) did not throw`);
}

test('ipFamily (the certificates\' IP check) agrees with node:net isIP', () => {
  const cases = ['127.0.0.1', '::1', '::', '0.0.0.0', '10.96.0.1', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5',
    'localhost', 'kubernetes.default.svc', 'fe80::1%eth0', 'fe80::1%', '%eth0', '::ffff:1.2.3.4', '::ffff:1.2.3.256', '1::2::3',
    '2001:db8::1', '2001:db8:0:0:0:0:0:1', '2001:db8:0:0:0:0:0:1:5', '[::1]', '::1/64', 'a:b', '12345::', 'g::1', ' ::1', '1.2.3.4 ',
    '::1 ', 'http://[::1]', 'user@::1', '', ':', ':::', 'fd00::abcd:1'];
  for (const c of cases) assert.equal(ipFamily(c), isIP(c), JSON.stringify(c));
});

describe('parseArgs', () => {
  test('defaults', () => {
    assert.deepEqual(parseArgs([]), {
      securePort: 6443,
      bindAddress: '127.0.0.1',
      serviceClusterIPRange: '10.96.0.0/12',
      serviceNodePortRange: '30000-32767',
      etcdPrefix: '/registry',
      etcdCompactionIntervalMs: 300000,
      eventTTLMs: 3600000,
      watchCache: true,
      leaseReuseDurationSeconds: 60,
    });
  });

  test('--lease-reuse-duration-seconds is an int', () => {
    assert.equal(parseArgs(['--lease-reuse-duration-seconds', '30']).leaseReuseDurationSeconds, 30);
    assert.match(parseErr(['--lease-reuse-duration-seconds=soon']), /invalid argument "soon" for "--lease-reuse-duration-seconds" flag: strconv.ParseInt: parsing "soon": invalid syntax/);
  });

  test('--watch-cache is a bool flag as in pflag: alone = true, =false, no separate value', () => {
    assert.equal(parseArgs(['--watch-cache=false']).watchCache, false);
    assert.equal(parseArgs(['--watch-cache=F']).watchCache, false);
    assert.equal(parseArgs(['--watch-cache']).watchCache, true);
    assert.equal(parseArgs(['--watch-cache', '--secure-port', '1']).securePort, 1);
    assert.match(parseErr(['--watch-cache', 'false']), /does not take any arguments, got \["false"\]/);
    assert.match(parseErr(['--watch-cache=nope']), /invalid argument "nope" for "--watch-cache" flag: strconv.ParseBool: parsing "nope": invalid syntax/);
  });

  test('--event-ttl takes a Go duration (default 1h)', () => {
    assert.equal(parseArgs(['--event-ttl', '30m']).eventTTLMs, 1800000);
    assert.equal(parseArgs(['--event-ttl=0']).eventTTLMs, 0);
    assert.match(parseErr(['--event-ttl', 'soon']), /invalid argument "soon" for "--event-ttl" flag: time: invalid duration "soon"/);
  });

  test('--etcd-compaction-interval takes a Go duration', () => {
    assert.equal(parseArgs(['--etcd-compaction-interval', '1m30s']).etcdCompactionIntervalMs, 90000);
    assert.equal(parseArgs(['--etcd-compaction-interval=0']).etcdCompactionIntervalMs, 0);
    assert.match(parseErr(['--etcd-compaction-interval', '5x']), /invalid argument "5x" for "--etcd-compaction-interval" flag: time: invalid duration "5x"/);
  });

  test('both --flag value and --flag=value', () => {
    const o = parseArgs([
      '--secure-port', '0',
      '--bind-address=0.0.0.0',
      '--data-dir', '/tmp/x',
      '--tls-cert-file=/a.crt', '--tls-private-key-file', '/a.key',
      '--client-ca-file=/ca.crt',
      '--service-cluster-ip-range', '10.0.0.0/24,fd00::/108',
      '--service-node-port-range=20000-20100',
      '--etcd-servers', 'http://a:2379,http://b:2379', '--etcd-servers=http://c:2379',
      '--etcd-prefix=/kube',
      '--etcd-compaction-interval=10s',
      '--event-ttl', '2h',
      '--runtime-config', 'api/all=true',
      '--advertise-address', '::1',
    ]);
    assert.deepEqual(o, {
      securePort: 0,
      bindAddress: '0.0.0.0',
      dataDir: '/tmp/x',
      tlsCertFile: '/a.crt',
      tlsPrivateKeyFile: '/a.key',
      clientCAFile: '/ca.crt',
      serviceClusterIPRange: '10.0.0.0/24,fd00::/108',
      serviceNodePortRange: '20000-20100',
      etcdServers: ['http://a:2379', 'http://b:2379', 'http://c:2379'],
      etcdCompactionIntervalMs: 10000,
      eventTTLMs: 7200000,
      watchCache: true,
      leaseReuseDurationSeconds: 60,
      etcdPrefix: '/kube',
      runtimeConfig: 'api/all=true',
      advertiseAddress: '::1',
    });
  });

  test('ports: base prefixes like Go, range forms', () => {
    assert.equal(parseArgs(['--secure-port=0x1F90']).securePort, 8080);
    assert.equal(parseArgs(['--secure-port', '65535']).securePort, 65535);
    assert.equal(parseArgs(['--service-node-port-range=30000+10']).serviceNodePortRange, '30000-30010');
    assert.equal(parseArgs(['--service-node-port-range=31000']).serviceNodePortRange, '31000-31000');
    assert.deepEqual(parsePortRange(' 30000-32767 '), { base: 30000, size: 2768 });
  });

  test('help', () => {
    assert.equal(parseArgs(['-h']).help, true);
    assert.equal(parseArgs(['--help']).help, true);
    const u = usage();
    for (const f of ['--secure-port', '--bind-address', '--data-dir', '--tls-cert-file', '--tls-private-key-file', '--client-ca-file',
      '--service-cluster-ip-range', '--service-node-port-range', '--etcd-servers', '--etcd-prefix', '--runtime-config', '--advertise-address', '--help']) {
      assert.ok(u.includes(f), `usage mentions ${f}`);
    }
  });

  test('errors with pflag-like messages', () => {
    assert.equal(parseErr(['--foo']), 'unknown flag: --foo');
    assert.equal(parseErr(['--foo=bar']), 'unknown flag: --foo');
    assert.equal(parseErr(['-x']), "unknown shorthand flag: 'x' in -x");
    assert.equal(parseErr(['---x']), 'bad flag syntax: ---x');
    assert.equal(parseErr(['--secure-port']), 'flag needs an argument: --secure-port');
    assert.equal(
      parseErr(['--secure-port', 'abc']),
      'invalid argument "abc" for "--secure-port" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    );
    assert.equal(
      parseErr(['--secure-port=']),
      'invalid argument "" for "--secure-port" flag: strconv.ParseInt: parsing "": invalid syntax',
    );
    assert.equal(parseErr(['--secure-port=70000']), '--secure-port 70000 must be between 0 and 65535, inclusive. 0 for an ephemeral port');
    assert.equal(parseErr(['--secure-port=-1']), '--secure-port -1 must be between 0 and 65535, inclusive. 0 for an ephemeral port');
    assert.equal(parseErr(['--bind-address', 'foo']), 'invalid argument "foo" for "--bind-address" flag: failed to parse IP: "foo"');
    assert.equal(parseErr(['--advertise-address=1.2.3']), 'invalid argument "1.2.3" for "--advertise-address" flag: failed to parse IP: "1.2.3"');
    assert.equal(
      parseErr(['--service-cluster-ip-range', '10.0.0.0/33']),
      'invalid argument "10.0.0.0/33" for "--service-cluster-ip-range" flag: invalid CIDR address: 10.0.0.0/33',
    );
    assert.equal(
      parseErr(['--service-cluster-ip-range', 'fd00::/129']),
      'invalid argument "fd00::/129" for "--service-cluster-ip-range" flag: invalid CIDR address: fd00::/129',
    );
    assert.equal(
      parseErr(['--service-cluster-ip-range', 'abc']),
      'invalid argument "abc" for "--service-cluster-ip-range" flag: invalid CIDR address: abc',
    );
    assert.equal(
      parseErr(['--service-cluster-ip-range', '10.0.0.0/8']),
      'invalid argument "10.0.0.0/8" for "--service-cluster-ip-range" flag: specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12',
    );
    assert.equal(
      parseErr(['--service-node-port-range', '30000-2']),
      'invalid argument "30000-2" for "--service-node-port-range" flag: end port cannot be less than start port: 30000-2',
    );
    assert.equal(
      parseErr(['--service-node-port-range', '30000-70000']),
      'invalid argument "30000-70000" for "--service-node-port-range" flag: the port range cannot be greater than 65535: 30000-70000',
    );
    assert.equal(
      parseErr(['--service-node-port-range', 'a-b']),
      'invalid argument "a-b" for "--service-node-port-range" flag: strconv.Atoi: parsing "a": invalid syntax',
    );
    assert.equal(parseErr(['serve']), '"kube-apiserver-ts" does not take any arguments, got ["serve"]');
    assert.equal(parseErr(['--tls-cert-file=/a.crt']), '--tls-cert-file and --tls-private-key-file must be specified together');
  });

  test('IPv6 CIDR accepted', () => {
    assert.equal(parseArgs(['--service-cluster-ip-range=fd00:10:96::/112']).serviceClusterIPRange, 'fd00:10:96::/112');
  });
});

function sans(pem: string): string {
  return new X509Certificate(pem).subjectAltName ?? '';
}

describe('ensureTlsMaterial', () => {
  test('generates once, then reuses; SANs; chain; modes', async () => {
    const dir = tmp();
    const t0 = Date.now();
    const m1 = await ensureTlsMaterial({ dir, hosts: ['192.168.1.10', 'my.example.com', '0.0.0.0'] });
    assert.ok(Date.now() - t0 < 2000, 'generation is fast');
    assert.deepEqual(m1.generated, { ca: true, server: true, admin: true });

    const p = pkiPaths(dir);
    for (const f of [p.caCert, p.caKey, p.serverCert, p.serverKey, p.adminCert, p.adminKey]) assert.ok(existsSync(f), f);
    for (const f of [p.caKey, p.serverKey, p.adminKey]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    assert.match(readFileSync(p.caKey, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(readFileSync(p.caCert, 'utf8'), m1.caCertPem);

    const ca = new X509Certificate(m1.caCertPem);
    const server = new X509Certificate(m1.serverCertPem);
    const admin = new X509Certificate(m1.adminCertPem);
    assert.equal(ca.ca, true);
    assert.match(ca.subject, /CN=kubernetes-ca/);
    assert.equal(server.ca, false);
    assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey), 'server cert signed by CA');
    assert.ok(admin.checkIssued(ca) && admin.verify(ca.publicKey), 'admin cert signed by CA');
    assert.ok(server.checkPrivateKey(createPrivateKey(m1.serverKeyPem)));
    assert.ok(admin.checkPrivateKey(createPrivateKey(m1.adminKeyPem)));
    assert.equal(admin.subject.split('\n').sort().join(','), 'CN=kubernetes-admin,O=system:masters');

    const s = sans(m1.serverCertPem);
    for (const want of ['DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local', 'DNS:my.example.com', 'IP Address:127.0.0.1', 'IP Address:10.96.0.1',
      'IP Address:192.168.1.10']) {
      assert.ok(s.split(', ').includes(want), `SAN ${want} in ${s}`);
    }
    assert.equal(server.checkIP('::1'), '::1');
    assert.equal(server.checkIP('0.0.0.0'), undefined, 'unspecified address not put in SANs');
    assert.equal(server.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), true, 'serverAuth');
    assert.equal(admin.keyUsage?.includes('1.3.6.1.5.5.7.3.2'), true, 'clientAuth');
    assert.equal(server.publicKey.asymmetricKeyType, 'ec');
    assert.ok(/^[0-7]/.test(server.serialNumber), 'positive serial');

    // Second call: everything reused byte for byte.
    const m2 = await ensureTlsMaterial({ dir, hosts: ['192.168.1.10', 'my.example.com'] });
    assert.deepEqual(m2.generated, { ca: false, server: false, admin: false });
    assert.equal(m2.caCertPem, m1.caCertPem);
    assert.equal(m2.caKeyPem, m1.caKeyPem);
    assert.equal(m2.serverCertPem, m1.serverCertPem);
    assert.equal(m2.adminCertPem, m1.adminCertPem);
    assert.equal(m2.clientCAPem, m1.caCertPem);

    // A new host: serving cert re-issued by the same CA, old names kept; admin cert reused.
    const m3 = await ensureTlsMaterial({ dir, hosts: ['10.1.2.3', 'fd00::5'] });
    assert.deepEqual(m3.generated, { ca: false, server: true, admin: false });
    assert.equal(m3.caCertPem, m1.caCertPem);
    const server3 = new X509Certificate(m3.serverCertPem);
    assert.ok(server3.verify(ca.publicKey));
    assert.equal(server3.checkIP('10.1.2.3'), '10.1.2.3');
    assert.equal(server3.checkIP('fd00::5'), 'fd00::5');
    assert.equal(server3.checkIP('192.168.1.10'), '192.168.1.10');
    assert.equal(server3.checkHost('my.example.com', { subject: 'never' }), 'my.example.com');

    // Deleting the admin cert only regenerates it.
    rmSync(p.adminCert);
    const m4 = await ensureTlsMaterial({ dir, hosts: [] });
    assert.deepEqual(m4.generated, { ca: false, server: false, admin: true });
    assert.notEqual(m4.adminCertPem, m1.adminCertPem);
    assert.ok(new X509Certificate(m4.adminCertPem).verify(ca.publicKey));
  });

  test('--tls-cert-file/--tls-private-key-file and --client-ca-file', async () => {
    const other = await ensureTlsMaterial({ dir: tmp(), hosts: [] });
    const files = tmp();
    const certFile = join(files, 'serving.crt');
    const keyFile = join(files, 'serving.key');
    const clientCA = join(files, 'client-ca.crt');
    writeFileSync(certFile, other.serverCertPem);
    writeFileSync(keyFile, other.serverKeyPem);
    writeFileSync(clientCA, other.caCertPem);

    const dir = tmp();
    const m = await ensureTlsMaterial({ dir, hosts: [], tlsCertFile: certFile, tlsPrivateKeyFile: keyFile, clientCAFile: clientCA });
    assert.equal(m.serverCertPem, other.serverCertPem);
    assert.equal(m.serverKeyPem, other.serverKeyPem);
    assert.equal(m.generated.server, false);
    assert.equal(existsSync(pkiPaths(dir).serverCert), false);
    assert.ok(new X509Certificate(m.adminCertPem).verify(new X509Certificate(m.caCertPem).publicKey));
    assert.equal(m.clientCAPem, m.caCertPem + other.caCertPem);

    await assert.rejects(
      ensureTlsMaterial({ dir, hosts: [], tlsCertFile: certFile, tlsPrivateKeyFile: pkiPaths(dir).adminKey }),
      /does not match the certificate/,
    );
    await assert.rejects(
      ensureTlsMaterial({ dir, hosts: [], tlsCertFile: join(files, 'missing.crt'), tlsPrivateKeyFile: keyFile }),
      /--tls-cert-file: cannot read/,
    );
  });

  test('firstServiceIP', () => {
    assert.equal(firstServiceIP('10.96.0.0/12'), '10.96.0.1');
    assert.equal(firstServiceIP('10.0.0.0/24,fd00::/108'), '10.0.0.1');
    assert.equal(firstServiceIP('fd00:10:96::/112'), 'fd00:10:96::1');
    assert.equal(firstServiceIP('10.96.5.7/12'), '10.96.0.1');
  });
});

describe('authn helpers', () => {
  test('anonymous', () => {
    assert.deepEqual(anonymousUser(), { username: 'system:anonymous', groups: ['system:unauthenticated'] });
  });
  test('unverified or missing certificate gives no user', () => {
    const fake = (authorized: boolean, subject: Record<string, string | string[]>) =>
      ({ authorized, getPeerCertificate: () => ({ subject }) }) as unknown as TLSSocket;
    assert.equal(userFromClientCert(fake(false, { CN: 'x' })), undefined);
    assert.equal(userFromClientCert(fake(true, {})), undefined);
    assert.deepEqual(userFromClientCert(fake(true, { CN: 'bob', O: ['a', 'b'] })), {
      username: 'bob',
      groups: ['a', 'b', 'system:authenticated'],
    });
  });
});

// ---------------------------------------------------------------------------
// End to end: a throwaway HTTP/2 server using the material, real kubectl and client-node.

function findKubectl(): string | undefined {
  for (const d of (process.env['PATH'] ?? '').split(delimiter)) {
    const k = join(d, 'kubectl');
    if (d && existsSync(k)) {
      const real = join(dirname(realpathSync(k)), 'kubectl.1.32');
      return existsSync(real) ? real : undefined;
    }
  }
  return undefined;
}

function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: tmp() } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('end to end over TLS', () => {
  let material: TlsMaterial;
  let server: http2.Http2SecureServer;
  let port = 0;
  let kubeconfigPath = '';
  const seen: { path: string; user: UserInfo | undefined; httpVersion: string }[] = [];

  before(async () => {
    const dir = tmp();
    material = await ensureTlsMaterial({ dir, hosts: [] });
    server = http2.createSecureServer({
      allowHTTP1: true,
      key: material.serverKeyPem,
      cert: material.serverCertPem,
      ca: material.clientCAPem,
      requestCert: true,
      rejectUnauthorized: false,
    });
    server.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
      const user = userFromClientCert(req.socket as TLSSocket);
      const path = (req.url ?? '').split('?')[0] ?? '';
      seen.push({ path, user, httpVersion: req.httpVersion });
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (path === '/version') {
        send(200, { major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '', gitTreeState: 'clean', buildDate: '', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' });
        return;
      }
      const isAdmin = user?.username === 'kubernetes-admin' && user.groups.includes('system:masters') && user.groups.includes('system:authenticated');
      if (!isAdmin) {
        send(401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
        return;
      }
      if (path === '/api/v1/namespaces') {
        send(200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] });
        return;
      }
      send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'not found', reason: 'NotFound', code: 404 });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    kubeconfigPath = join(dir, 'admin.kubeconfig');
    writeKubeconfig(
      kubeconfigPath,
      adminKubeconfig({ server: `https://127.0.0.1:${port}`, caPem: material.caCertPem, certPem: material.adminCertPem, keyPem: material.adminKeyPem }),
    );
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('kubeconfig file shape and mode', () => {
    assert.equal(statSync(kubeconfigPath).mode & 0o777, 0o600);
    const cfg = parseYaml(readFileSync(kubeconfigPath, 'utf8')) as Record<string, unknown>;
    assert.equal(cfg['current-context'], 'kubernetes-admin@kubernetes');
    const clusters = cfg['clusters'] as { name: string; cluster: Record<string, string> }[];
    assert.equal(clusters[0]?.name, 'kubernetes');
    assert.equal(Buffer.from(clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(), material.caCertPem);
  });

  test('real kubectl 1.32 authenticates with the admin client certificate', async (t) => {
    const kubectl = findKubectl();
    if (!kubectl) {
      t.skip('kubectl.1.32 not found');
      return;
    }
    const r = await run(kubectl, ['--kubeconfig', kubeconfigPath, 'get', '--raw', '/api/v1/namespaces']);
    assert.equal(r.code, 0, `kubectl failed: ${r.stderr}`);
    assert.deepEqual(JSON.parse(r.stdout), { kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] });
    const hit = seen.find((s) => s.path === '/api/v1/namespaces');
    assert.equal(hit?.user?.username, 'kubernetes-admin');
    assert.equal(hit?.httpVersion, '2.0', 'kubectl negotiated HTTP/2');
    // Through the tls-server-name path too (SAN DNS:kubernetes.default.svc verified by Go).
    const r2 = await run(kubectl, ['--kubeconfig', kubeconfigPath, '--tls-server-name', 'kubernetes.default.svc', 'get', '--raw', '/version']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((JSON.parse(r2.stdout) as { minor: string }).minor, '32');
  });

  test('real kubectl with https://localhost and no client certificate gets 401', async (t) => {
    const kubectl = findKubectl();
    if (!kubectl) {
      t.skip('kubectl.1.32 not found');
      return;
    }
    const noCert = join(dirname(kubeconfigPath), 'token.kubeconfig');
    const cfg = adminKubeconfig({ server: `https://localhost:${port}`, caPem: material.caCertPem, certPem: '', keyPem: '' });
    cfg.users = [{ name: 'kubernetes-admin', user: { token: 'nope' } }];
    writeKubeconfig(noCert, cfg);
    const r = await run(kubectl, ['--kubeconfig', noCert, 'get', '--raw', '/api/v1/namespaces']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized|provide credentials/);
  });

  test('@kubernetes/client-node loads the kubeconfig and lists namespaces', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    assert.equal(kc.getCurrentContext(), 'kubernetes-admin@kubernetes');
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const list = await api.listNamespace();
    assert.equal(list.kind, 'NamespaceList');
    assert.deepEqual(list.items, []);
  });

  test('certificate from a foreign CA is not authenticated', async () => {
    const foreign = await ensureTlsMaterial({ dir: tmp(), hosts: [] });
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        { host: '127.0.0.1', port, path: '/api/v1/namespaces', ca: material.caCertPem, cert: foreign.adminCertPem, key: foreign.adminKeyPem },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 401);
    const last = seen[seen.length - 1];
    assert.equal(last?.user, undefined);
  });
});
