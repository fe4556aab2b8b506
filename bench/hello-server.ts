// Child process: a bare hello-world server, the baseline for GET by name. argv[2] = 'http' (node:http, plain) or
// 'https' (node:https with the API server's TLS material: argv[3] = JSON { key, cert }).
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

const mode = process.argv[2] ?? 'http';
const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Success', message: 'hello' });
const handler: http.RequestListener = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};
const server =
  mode === 'https'
    ? https.createServer(JSON.parse(process.argv[3] ?? '{}') as https.ServerOptions, handler)
    : http.createServer(handler);
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port, pid: process.pid });
});
process.on('message', (m: { id: number; cmd: string }) => {
  if (m.cmd === 'stats') {
    const c = process.cpuUsage();
    process.send?.({ id: m.id, rss: process.memoryUsage().rss, cpuUserUs: c.user, cpuSystemUs: c.system });
  } else if (m.cmd === 'stop') {
    server.closeAllConnections();
    server.close();
    process.send?.({ id: m.id });
    setTimeout(() => process.exit(0), 20);
  }
});
process.on('disconnect', () => process.exit(0));
