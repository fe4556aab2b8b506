// Library entry point: start a real API server in-process.
export { startServer, type RunningServer, type StartOptions } from './server/server.js';
export type { ServerOptions } from './server/options.js';
