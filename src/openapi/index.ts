export * from './service.js';
export { encodeOpenAPIv2, encodeOpenAPIv3, openAPIv2DocumentType, openAPIv3DocumentType, convertMessage } from './gnostic.js';
export type { JsonValue, ProtoMessage } from './gnostic.js';
export { findDataDir } from './data-dir.js';
