/**
 * Authentication by TLS client certificate (kube's x509 request
 * authenticator): a certificate that verified against the client CA bundle
 * (`socket.authorized`, which the server gets with `requestCert: true,
 * rejectUnauthorized: false, ca: clientCAPem`) maps to
 * username = subject CN, groups = subject O values, plus
 * `system:authenticated` (added to every authenticated user, as kube's
 * authenticator chain does). A certificate without CN does not authenticate.
 *
 * The CA check (and, by OpenSSL's "sslclient" purpose, the clientAuth
 * extended key usage check) is done by the TLS stack; this module only reads
 * the result.
 */
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { UserInfo } from '../api/types.js';

export const GROUP_AUTHENTICATED = 'system:authenticated';
export const GROUP_UNAUTHENTICATED = 'system:unauthenticated';
export const USER_ANONYMOUS = 'system:anonymous';

/** `system:anonymous` in group `system:unauthenticated`. */
export function anonymousUser(): UserInfo {
  return { username: USER_ANONYMOUS, groups: [GROUP_UNAUTHENTICATED] };
}

/** Adds `system:authenticated` to an authenticated user's groups (unless present). Returns a new object. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes(GROUP_AUTHENTICATED)) return { ...user, groups: [...user.groups] };
  return { ...user, groups: [...user.groups, GROUP_AUTHENTICATED] };
}

/** Attribute values in Node's parsed subject are a string, or an array when repeated. */
function values(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** Maps a (verified) peer certificate to a user; undefined if it has no CN. */
export function userFromPeerCertificate(cert: PeerCertificate): UserInfo | undefined {
  const subject: unknown = cert.subject;
  if (!subject || typeof subject !== 'object') return undefined;
  const s = subject as Record<string, unknown>;
  const cn = values(s['CN'])[0];
  if (!cn) return undefined;
  return withAuthenticatedGroup({ username: cn, groups: values(s['O']) });
}

/**
 * Minimal view of a TLS socket (http2's compat `req.socket` proxies these
 * onto the session's TLSSocket, so it qualifies too).
 */
export type PeerCertSource = Pick<TLSSocket, 'authorized' | 'getPeerCertificate'>;

/**
 * The user of a TLS connection whose client certificate verified against the
 * client CA bundle, or undefined (no certificate, not verified, or no CN).
 */
export function userFromClientCert(socket: PeerCertSource): UserInfo | undefined {
  if (!socket || socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  // Node returns {} when there is no peer certificate.
  if (!cert || Object.keys(cert).length === 0) return undefined;
  return userFromPeerCertificate(cert);
}
