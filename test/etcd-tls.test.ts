// etcd over TLS with client certificates, as production etcd clusters run: kube-apiserver's --etcd-cafile,
// --etcd-certfile and --etcd-keyfile. The certificates come from the server's own generator (a CA, a serving
// certificate for 127.0.0.1, a client certificate), in a directory of their own. Needs etcd.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import { ensureTlsMaterial, pkiPaths } from '../src/server/certs.js';
import { parseArgs } from '../src/server/options.js';
import { startEtcd, type EtcdCluster } from './helpers/etcd.js';
import { kubectl } from './helpers/kubectl.js';

const etcdPkiDir = mkdtempSync(join(tmpdir(), 'etcd-tls-pki-'));
const dataDir = mkdtempSync(join(tmpdir(), 'etcd-tls-test-'));
const pki = pkiPaths(etcdPkiDir);
let etcd: EtcdCluster;
let server: RunningServer | undefined;
const warnings: (Error & { code?: string })[] = [];
process.on('warning', (w) => warnings.push(w));

before(async () => {
  await ensureTlsMaterial({ dir: etcdPkiDir, hosts: ['127.0.0.1'] });
  etcd = await startEtcd({
    tls: { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caCert, clientCertFile: pki.adminCert, clientKeyFile: pki.adminKey },
  });
});
after(async () => {
  await server?.stop();
  await etcd?.stop();
  rmSync(etcdPkiDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('etcd over TLS (--etcd-cafile, --etcd-certfile, --etcd-keyfile)', () => {
  it('the flags parse as kube-apiserver\'s; a client certificate needs its key', () => {
    const o = parseArgs(['--etcd-servers', etcd.endpoints[0]!, '--etcd-cafile', pki.caCert, '--etcd-certfile', pki.adminCert, '--etcd-keyfile', pki.adminKey]);
    assert.deepEqual([o.etcdCAFile, o.etcdCertFile, o.etcdKeyFile], [pki.caCert, pki.adminCert, pki.adminKey]);
    assert.throws(() => parseArgs(['--etcd-certfile', pki.adminCert]), /--etcd-certfile and --etcd-keyfile must be specified together/);
  });

  it('without the client certificate etcd refuses the server, which fails to start with a clear error', async () => {
    await assert.rejects(
      startServer({ etcdServers: etcd.endpoints, etcdCAFile: pki.caCert, dataDir, securePort: 0 }),
      (err: Error) => {
        assert.match(err.message, new RegExp(`^etcd: cannot reach ${etcd.endpoints[0]!.replace(/[.:/]/g, '\\$&')}: .*bad certificate`));
        return true;
      },
    );
  });

  it('a missing certificate file is named in the error', async () => {
    await assert.rejects(
      startServer({ etcdServers: etcd.endpoints, etcdCAFile: join(etcdPkiDir, 'nope.crt'), dataDir, securePort: 0 }),
      /--etcd-cafile: cannot read .*nope\.crt/,
    );
  });

  it('with them, kubectl works against the server and the objects are in etcd', async () => {
    server = await startServer({ etcdServers: etcd.endpoints, etcdCAFile: pki.caCert, etcdCertFile: pki.adminCert, etcdKeyFile: pki.adminKey, dataDir, securePort: 0 });
    const k = kubectl(server.kubeconfigPath);
    await k.ok(['create', 'configmap', 'over-tls', '--from-literal=a=b']);
    assert.equal(await k.ok(['get', 'configmap', 'over-tls', '-o', 'jsonpath={.data.a}']), 'b');
    // A second server on the same etcd, with the same flags, reads it.
    const other = await startServer({ etcdServers: etcd.endpoints, etcdCAFile: pki.caCert, etcdCertFile: pki.adminCert, etcdKeyFile: pki.adminKey, dataDir: mkdtempSync(join(tmpdir(), 'etcd-tls-b-')), securePort: 0 });
    try {
      const got = await kubectl(other.kubeconfigPath).ok(['get', 'configmap', 'over-tls', '-o', 'jsonpath={.data.a}']);
      assert.equal(got, 'b');
    } finally {
      await other.stop();
      rmSync(other.dataDir, { recursive: true, force: true });
    }
    // etcd is reached by IP: Node's warning about an IP as TLS server name (grpc-js sets it) is not printed.
    assert.deepEqual(warnings.filter((w) => w.code === 'DEP0123').map((w) => w.message), []);
  });
});
