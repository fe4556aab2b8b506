// startServer: assembles storage, registry, controllers and the HTTPS (HTTP/2 + HTTP/1.1) listener.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { ResourceHandler } from '../endpoints/resources.js';
import { subresourceHandlers, virtualResources } from '../endpoints/special.js';
import { OpenAPIService } from '../openapi/index.js';
import { builtinGroups } from '../registry/catalog.js';
import { registerBuiltinConversions } from '../registry/conversions/index.js';
import { resolveRuntimeConfig } from '../registry/runtime-config.js';
import { ResourceRegistry } from '../registry/registry.js';
import { configureServiceAllocation, kubernetesServiceIP } from '../registry/strategies/service-alloc.js';
import type { EtcdStorageOptions } from '../storage/etcd.js';
import type { Storage } from '../storage/interface.js';
import { SqliteStorage } from '../storage/sqlite.js';
import { ensureTlsMaterial } from './certs.js';
import { Controllers } from './controllers.js';
import { CRDController } from '../apiextensions/controller.js';
import { defaultAuthorizer } from './authz.js';
import { makeHandler } from './handler.js';
import { adminKubeconfig, writeKubeconfig, type KubeconfigObject } from './kubeconfig.js';
import { defaultOptions, type ServerOptions } from './options.js';

export interface StartOptions extends Partial<ServerOptions> {
  /** Log to stderr (the CLI sets this). */
  log?: boolean;
}

export interface RunningServer {
  /** https://HOST:PORT */
  url: string;
  port: number;
  /** Where the admin kubeconfig was written. */
  kubeconfigPath: string;
  kubeconfig: KubeconfigObject;
  /** The data directory (a temporary one when none was given). */
  dataDir: string;
  stop(): Promise<void>;
}


export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const o: ServerOptions = { ...defaultOptions(), ...stripUndefined(opts) };
  // Fails fast (RuntimeConfigError) on an unknown group/version or a bad value.
  const servedGroups = resolveRuntimeConfig(o.runtimeConfig, builtinGroups());
  registerBuiltinConversions();
  if (opts.securePort === undefined && opts.dataDir === undefined) o.securePort = 0; // library default: ephemeral
  const tempDir = o.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'kube-apiserver-ts-'));
  const dataDir = o.dataDir ?? tempDir!;
  mkdirSync(dataDir, { recursive: true });

  configureServiceAllocation({ serviceClusterIPRange: o.serviceClusterIPRange, serviceNodePortRange: o.serviceNodePortRange });
  const serviceIP = kubernetesServiceIP();
  const hosts = [o.bindAddress, serviceIP];
  if (o.advertiseAddress) hosts.push(o.advertiseAddress);
  const tls = await ensureTlsMaterial({ dir: dataDir, tlsCertFile: o.tlsCertFile, tlsPrivateKeyFile: o.tlsPrivateKeyFile, clientCAFile: o.clientCAFile, hosts });

  // Read once, shared by the main store and every override's.
  const credentials = o.etcdServers?.length || o.etcdServersOverrides?.length ? etcdCredentials(o) : undefined;
  const openEtcd = async (endpoints: string[]): Promise<Storage> =>
    (await import('../storage/etcd.js')).EtcdStorage.open({ endpoints, credentials, leaseReuseSeconds: o.leaseReuseDurationSeconds });
  const storage: Storage = o.etcdServers?.length ? await openEtcd(o.etcdServers) : SqliteStorage.open({ path: o.dataDir ? join(dataDir, 'state.db') : ':memory:' });
  // --etcd-servers-overrides: resources kept in etcd clusters of their own (one client per distinct server list).
  const overrideStores = new Map<string, Storage>();
  const overrides = new Map<string, Storage>();
  for (const ov of o.etcdServersOverrides ?? []) {
    const servers = ov.servers.join(';');
    let s = overrideStores.get(servers);
    if (!s) {
      s = await openEtcd(ov.servers);
      overrideStores.set(servers, s);
    }
    overrides.set(`${ov.group}/${ov.resource}`, s);
  }
  const allStores = [storage, ...overrideStores.values()];
  // Both stores keep a log of revisions until it is compacted; without a compactor the SQLite log would grow
  // with every write forever. kube-apiserver has only the etcd flag; it drives both here.
  const compactors = o.etcdCompactionIntervalMs > 0 ? allStores.map((s) => startCompactor(s, o.etcdCompactionIntervalMs)) : [];
  let controllers: Controllers | undefined;
  let crds: CRDController | undefined;
  const registry = new ResourceRegistry({
    storage,
    storageFor: (group, resource) => overrides.get(`${group}/${resource}`),
    root: o.etcdPrefix,
    watchCache: o.watchCache,
    groups: servedGroups,
    // kube's uint64(EventTTL.Seconds()): whole seconds.
    eventTTLSeconds: Math.max(0, Math.floor(o.eventTTLMs / 1000)),
    onChange: (gr, type, obj) => {
      if (gr.group === 'apiextensions.k8s.io' && gr.resource === 'customresourcedefinitions') crds?.onChange(obj);
      controllers?.onChange(gr, type, obj);
    },
  });
  const openapi = new OpenAPIService(() => registry.servedGroups().flatMap((g) => g.versions));
  crds = new CRDController(registry, openapi);
  await crds.start();
  const resources = new ResourceHandler({
    registry,
    subresources: subresourceHandlers(registry),
    virtual: virtualResources(defaultAuthorizer, registry),
  });

  let port = o.securePort;
  const advertise = o.advertiseAddress ?? (o.bindAddress === '0.0.0.0' || o.bindAddress === '::' ? '127.0.0.1' : o.bindAddress);
  let ready = false;
  const storageCheck = { name: 'etcd', check: async () => void (await storage.currentRevision()) };
  const ping = { name: 'ping', check: async () => undefined };
  const log = { name: 'log', check: async () => undefined };
  const readiness = {
    name: 'poststarthook/bootstrap-controller',
    check: async () => {
      if (!ready) throw new Error('not finished');
    },
  };
  const handler = makeHandler({
    registry,
    openapi,
    resources,
    authorizer: defaultAuthorizer,
    serverAddress: () => `${advertise}:${port}`,
    health: {
      healthz: [ping, log, storageCheck, readiness],
      livez: [ping, log, storageCheck, readiness],
      readyz: [ping, log, storageCheck, readiness],
    },
  });

  const server: Http2SecureServer = createSecureServer(
    {
      allowHTTP1: true,
      // No Nagle (as Go servers): a small write after one not yet acknowledged would otherwise wait for the
      // peer's delayed ACK, up to 40 ms, which watch events and pipelined responses hit all the time.
      noDelay: true,
      key: tls.serverKeyPem,
      cert: tls.serverCertPem,
      ca: tls.clientCAPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    handler,
  );
  const sockets = new Set<{ destroy(): void }>();
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.securePort, o.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  controllers = new Controllers({ registry, caPem: tls.caCertPem, kubernetesServiceIP: serviceIP, advertiseAddress: advertise, securePort: port });
  await controllers.bootstrap();
  // Watch caches fill in the background; until one is ready its resource is served from storage.
  void registry.startCaches();
  ready = true;

  const host = o.bindAddress === '0.0.0.0' ? '127.0.0.1' : o.bindAddress === '::' ? '::1' : o.bindAddress;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kubeconfig = adminKubeconfig({ server: url, caPem: tls.caCertPem, certPem: tls.adminCertPem, keyPem: tls.adminKeyPem });
  const kubeconfigPath = join(dataDir, 'admin.kubeconfig');
  writeKubeconfig(kubeconfigPath, kubeconfig);
  if (opts.log) process.stderr.write(`kube-apiserver-ts listening on ${url}\n`);

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    kubeconfigPath,
    kubeconfig,
    dataDir,
    stop() {
      stopping ??= (async () => {
        controllers?.stop();
        crds?.stop();
        for (const c of compactors) clearInterval(c);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Long-running watches keep connections open: close them.
          for (const s of sockets) s.destroy();
        });
        registry.stopCaches();
        await controllers?.idle();
        await crds?.idle();
        for (const s of allStores) await s.close();
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** TLS material for https:// etcd endpoints from --etcd-cafile / --etcd-certfile / --etcd-keyfile. */
function etcdCredentials(o: ServerOptions): EtcdStorageOptions['credentials'] {
  if (!o.etcdCAFile && !o.etcdCertFile) return undefined;
  const read = (flag: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`--${flag}: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  // Without --etcd-cafile, the system's roots verify etcd, as Go's TLS does.
  const roots = o.etcdCAFile ? read('etcd-cafile', o.etcdCAFile) : Buffer.from(rootCertificates.join('\n'));
  return {
    rootCertificate: roots,
    ...(o.etcdCertFile && o.etcdKeyFile
      ? { certChain: read('etcd-certfile', o.etcdCertFile), privateKey: read('etcd-keyfile', o.etcdKeyFile) }
      : {}),
  };
}

/**
 * kube-apiserver's compactor: every interval, compact up to the revision seen at the previous tick, so
 * at least one interval of history stays readable for watches and continue tokens.
 */
function startCompactor(storage: Storage, intervalMs: number): NodeJS.Timeout {
  let last = 0;
  const t = setInterval(() => {
    void (async () => {
      try {
        if (last > 0) await storage.compact(last);
        last = await storage.currentRevision();
      } catch {
        // etcd: another API server compacted first, or etcd is briefly unavailable; try next time
      }
    })();
  }, intervalMs);
  t.unref();
  return t;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
