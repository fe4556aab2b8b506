// The three patch types of kube-apiserver: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and
// strategic merge patch, plus the OpenAPI schema navigator they (and server-side apply) use.
export { applyJsonPatch, applyJsonPatchOperations, decodeJsonPatch, JsonPatchError, patchApplyError, MAX_JSON_PATCH_OPERATIONS, JSON_PATCH_MAX_COPY_BYTES } from './json-patch.js';
export type { PatchOptions, FieldValidation, JsonPatchOperation } from './json-patch.js';
export { applyMergePatch, mergePatchValue } from './merge-patch.js';
export { applyStrategicMergePatch, strategicMergeMapPatch, decodeStrategicMergePatch, interpretSmpError, SmpError } from './strategic-merge-patch.js';
export { findDataDir, openAPIV2, definition, definitionForGVK, schemaFor, schemaFromDefinitions, SchemaNode } from './schema.js';
export type { OpenAPISchema, SwaggerDocument, SchemaKind } from './schema.js';
export { GoJsonError, goJsonSyntaxError, decodeBody } from './gojson.js';
