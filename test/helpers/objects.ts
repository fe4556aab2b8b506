// Namespaces and ConfigMaps written through the raw client, asserting the status a successful write gets.
import assert from 'node:assert/strict';
import type { RawClient } from './http.js';

const JSON_CT = { 'content-type': 'application/json' };

export interface TestObject {
  kind?: string;
  apiVersion?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}

/** A watch event as tests read it; ERROR events carry a Status. */
export interface TestEvent {
  type: string;
  object: TestObject & { code?: number; reason?: string; message?: string };
}

/** Helpers over the client `http()` returns at the time of each call (tests that restart the server swap it). */
export function objectOps(http: () => RawClient) {
  return {
    async mkNs(name: string): Promise<void> {
      const r = await http()('POST', '/api/v1/namespaces', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }), headers: JSON_CT });
      assert.equal(r.status, 201, r.text);
    },
    async createCM(ns: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = { a: '1' }): Promise<TestObject> {
      const r = await http()('POST', `/api/v1/namespaces/${ns}/configmaps`, {
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data }),
        headers: JSON_CT,
      });
      assert.equal(r.status, 201, r.text);
      return r.json<TestObject>();
    },
    async patchCM(ns: string, name: string, patch: unknown): Promise<TestObject> {
      const r = await http()('PATCH', `/api/v1/namespaces/${ns}/configmaps/${name}`, { body: JSON.stringify(patch), headers: { 'content-type': 'application/merge-patch+json' } });
      assert.equal(r.status, 200, r.text);
      return r.json<TestObject>();
    },
    async deleteCM(ns: string, name: string): Promise<void> {
      const r = await http()('DELETE', `/api/v1/namespaces/${ns}/configmaps/${name}`);
      assert.equal(r.status, 200, r.text);
    },
  };
}
