/**
 * Admin kubeconfig generation (names as kubeadm's admin.conf: cluster
 * `kubernetes`, user `kubernetes-admin`, context `kubernetes-admin@kubernetes`).
 * Credentials are embedded as base64 `*-data` fields, so the file is
 * self-contained; it is written with mode 0600.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';


export interface KubeconfigCluster {
  server: string;
  'certificate-authority-data'?: string;
  'certificate-authority'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

export interface KubeconfigUser {
  'client-certificate-data'?: string;
  'client-key-data'?: string;
  'client-certificate'?: string;
  'client-key'?: string;
  token?: string;
}

export interface KubeconfigContext {
  cluster: string;
  user: string;
  namespace?: string;
}

export interface KubeconfigObject {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: KubeconfigCluster }[];
  users: { name: string; user: KubeconfigUser }[];
  contexts: { name: string; context: KubeconfigContext }[];
  'current-context': string;
  preferences: Record<string, never>;
}

export interface AdminKubeconfigOptions {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  /** CA bundle that verifies the serving certificate. */
  caPem: string;
  /** Client certificate and its PKCS#8/PEM key. */
  certPem: string;
  keyPem: string;
  /** Cluster name (default `kubernetes`). */
  name?: string;
  /** User name (default `kubernetes-admin`). */
  userName?: string;
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

export function adminKubeconfig(opts: AdminKubeconfigOptions): KubeconfigObject {
  const cluster = opts.name ?? 'kubernetes';
  const user = opts.userName ?? 'kubernetes-admin';
  const context = `${user}@${cluster}`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.caPem) } }],
    users: [
      {
        name: user,
        user: { 'client-certificate-data': b64(opts.certPem), 'client-key-data': b64(opts.keyPem) },
      },
    ],
    contexts: [{ name: context, context: { cluster, user } }],
    'current-context': context,
    preferences: {},
  };
}

/** Serializes a kubeconfig as YAML. */
export function kubeconfigToYaml(cfg: KubeconfigObject): string {
  return emitYaml(cfg as unknown as Record<string, unknown>, 0);
}

// A small block-style YAML writer for this fixed shape (written at every start, so it avoids loading the
// yaml package). Strings outside a safe character set are double-quoted (JSON strings are valid YAML).
function scalar(v: unknown): string {
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  const s = String(v);
  return /^[A-Za-z0-9][A-Za-z0-9._\/@-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) ? s : JSON.stringify(s);
}

function emitYaml(obj: Record<string, unknown>, indent: number): string {
  const pad = ' '.repeat(indent);
  let out = '';
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        out += `${pad}${k}: []\n`;
        continue;
      }
      out += `${pad}${k}:\n`;
      for (const item of v) {
        const body = typeof item === 'object' && item !== null ? emitYaml(item as Record<string, unknown>, indent + 2) : `${pad}  ${scalar(item)}\n`;
        out += `${pad}- ${body.slice(indent + 2)}`;
      }
    } else if (typeof v === 'object' && v !== null) {
      const inner = emitYaml(v as Record<string, unknown>, indent + 2);
      out += inner ? `${pad}${k}:\n${inner}` : `${pad}${k}: {}\n`;
    } else {
      out += `${pad}${k}: ${scalar(v)}\n`;
    }
  }
  return out;
}

/** Writes the kubeconfig as YAML with mode 0600 (atomically: temp file + rename). Creates the parent directory. */
export function writeKubeconfig(path: string, cfg: KubeconfigObject): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, kubeconfigToYaml(cfg), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
