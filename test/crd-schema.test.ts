import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../src/api/field-errors.js';
import type { KObject } from '../src/api/types.js';
import { validateCEL } from '../src/apiextensions/cel.js';
import { loadCel } from '../src/apiextensions/cel-loader.js';

await loadCel();
import {
  applyDefaults,
  blockingError,
  crdOpenAPIv3Document,
  crdSwaggerFragment,
  prune,
  toStructural,
  validateAgainstSchema,
  validateCRD,
} from '../src/apiextensions/index.js';

const msgs = (errs: FieldError[]): string[] => errs.map(fieldErrorString);

const v1Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      'x-kubernetes-validations': [
        { rule: 'self.minReplicas <= self.replicas', message: 'replicas must be >= minReplicas', fieldPath: '.replicas' },
        { rule: 'self.size != oldSelf.size || self.replicas >= 0', message: 'unused' },
        { rule: "!has(oldSelf.storageClass) || self.storageClass == oldSelf.storageClass", message: 'storageClass is immutable' },
      ],
      properties: {
        size: { type: 'string', enum: ['small', 'medium', 'large'] },
        color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
        replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
        minReplicas: { type: 'integer', default: 0 },
        name: { type: 'string', minLength: 3, maxLength: 5, pattern: '^[a-z]+$' },
        storageClass: { type: 'string' },
        created: { type: 'string', format: 'date-time' },
        id: { type: 'string', format: 'uuid' },
        port: { 'x-kubernetes-int-or-string': true },
        ratio: { type: 'number', nullable: true },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3, 'x-kubernetes-list-type': 'set' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, port: { type: 'integer', format: 'int32' }, protocol: { type: 'string', default: 'TCP' } },
          },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
        },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        items: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 64 } },
      },
    },
    status: {
      type: 'object',
      properties: { replicas: { type: 'integer' }, selector: { type: 'string' }, phase: { type: 'string' } },
    },
  },
};

function operatorCRD(): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'databases.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'databases', singular: 'database', kind: 'Database', listKind: 'DatabaseList', shortNames: ['db'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: structuredClone(v1Schema) },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [
            { name: 'Size', type: 'string', jsonPath: '.spec.size' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          selectableFields: [{ jsonPath: '.spec.size' }],
        },
        {
          name: 'v1beta1',
          served: true,
          storage: false,
          deprecated: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
      conversion: { strategy: 'None' },
    },
  };
}

test('a realistic operator CRD is valid', () => {
  assert.deepEqual(msgs(validateCRD(operatorCRD())), []);
});

test('CRD validation: bad name, two storage versions, group, names', () => {
  const crd = operatorCRD();
  crd.metadata = { name: 'dbs.example.com' };
  const spec = crd.spec as { versions: { storage: boolean }[]; names: Record<string, unknown> };
  spec.versions[1]!.storage = true;
  spec.names.shortNames = ['DB'];
  const m = msgs(validateCRD(crd));
  assert.ok(m.includes('metadata.name: Invalid value: "dbs.example.com": must be spec.names.plural+"."+spec.group'), m.join('\n'));
  assert.ok(m.some((x) => x.startsWith('spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{') && x.endsWith(': must have exactly one version marked as storage version')), m.join('\n'));
  assert.ok(m.some((x) => x.startsWith('spec.names.shortNames[0]: Invalid value: "DB": a DNS-1035 label must consist of lower case alphanumeric characters')), m.join('\n'));

  const g = operatorCRD();
  (g.spec as Record<string, unknown>).group = 'example';
  g.metadata = { name: 'databases.example' };
  assert.ok(msgs(validateCRD(g)).includes('spec.group: Invalid value: "example": should be a domain with at least one dot'));

  const sc = operatorCRD();
  (sc.spec as Record<string, unknown>).scope = 'Global';
  assert.ok(msgs(validateCRD(sc)).includes('spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'));
});

test('CRD validation: non-structural schemas', () => {
  const crd = operatorCRD();
  const v = (crd.spec as { versions: { schema: { openAPIV3Schema: unknown } }[] }).versions[0]!;
  v.schema.openAPIV3Schema = {
    type: 'object',
    properties: {
      spec: { properties: { a: { type: 'string' } } },
      other: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: { type: 'string' } },
      list: { type: 'array', items: { type: 'string' }, uniqueItems: true },
      r: { $ref: '#/definitions/foo' },
    },
  };
  const m = msgs(validateCRD(crd));
  const p = 'spec.versions[0].schema.openAPIV3Schema';
  assert.ok(m.includes(`${p}.properties[spec].type: Required value: must not be empty for specified object fields`), m.join('\n'));
  assert.ok(m.includes(`${p}.properties[r].type: Required value: must not be empty for specified object fields`), m.join('\n'));
  assert.ok(m.includes(`${p}.properties[other].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`), m.join('\n'));
  assert.ok(m.includes(`${p}.properties[list].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`), m.join('\n'));
  assert.ok(m.includes(`${p}.properties[r].$ref: Forbidden: $ref is not supported`), m.join('\n'));
});

test('CRD validation: subresources, printer columns, conversion, list-map keys, stored versions', () => {
  const crd = operatorCRD();
  const v = (crd.spec as { versions: Record<string, unknown>[] }).versions[0]!;
  v.subresources = { status: {}, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: '.spec.replicas' } };
  v.additionalPrinterColumns = [{ name: 'X', type: 'text', jsonPath: '.spec.size', format: 'weird' }];
  (crd.spec as Record<string, unknown>).conversion = { strategy: 'Webhook' };
  crd.status = { storedVersions: ['v2'] };
  const m = msgs(validateCRD(crd));
  const p = 'spec.versions[0]';
  for (const want of [
    `${p}.subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .`,
    `${p}.subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": should be a json path under .status`,
    `${p}.additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string`,
    `${p}.additionalPrinterColumns[0].format: Invalid value: "weird": must be one of byte,date,date-time,double,float,int32,int64,password`,
    'spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook',
    'spec.conversion.conversionReviewVersions: Required value',
    'status.storedVersions: Invalid value: []string{"v2"}: must have the storage version v1',
    'status.storedVersions[0]: Invalid value: "v2": must appear in spec.versions',
  ]) assert.ok(m.includes(want), `missing ${want}\n${m.join('\n')}`);

  const mk = operatorCRD();
  const s = (mk.spec as { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[] }).versions[0]!.schema.openAPIV3Schema;
  s.properties.spec.properties.ports = { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } };
  assert.ok(
    msgs(validateCRD(mk)).includes(
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[ports].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
    ),
  );
});

test('CRD validation: CEL compilation errors, invalid defaults, cost estimate', () => {
  const crd = operatorCRD();
  const s = (crd.spec as { versions: { schema: { openAPIV3Schema: { properties: { spec: Record<string, unknown> & { properties: Record<string, unknown> } } } } }[] }).versions[0]!.schema.openAPIV3Schema;
  s.properties.spec['x-kubernetes-validations'] = [{ rule: 'self.nosuch == 1' }, { rule: 'self.size' }];
  const m = msgs(validateCRD(crd));
  const p = 'spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations';
  assert.ok(
    m.includes(
      `${p}[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.nosuch == 1", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: undefined field 'nosuch'\n | self.nosuch == 1\n | ....^`,
    ),
    m.join('\n'),
  );
  assert.ok(m.some((x) => x.startsWith(`${p}[1].rule: Invalid value: `) && x.endsWith('cel expression must evaluate to a bool')), m.join('\n'));

  const d = operatorCRD();
  const ds = (d.spec as { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, Record<string, unknown>> } } } } }[] }).versions[0]!.schema.openAPIV3Schema;
  ds.properties.spec.properties.replicas!.default = 20;
  assert.ok(
    msgs(validateCRD(d)).includes(
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: 20:  in body should be less than or equal to 10',
    ),
  );

  const c = operatorCRD();
  const cs = (c.spec as { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, Record<string, unknown>> } } } } }[] }).versions[0]!.schema.openAPIV3Schema;
  cs.properties.spec.properties.items = { type: 'array', items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'self.all(x, self.all(y, x.contains(y)))' }] };
  const cm = msgs(validateCRD(c));
  assert.ok(
    cm.includes(
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[items].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)',
    ),
    cm.join('\n'),
  );
});

const schema = toStructural(v1Schema);

function cr(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'example.com/v1', kind: 'Database', metadata: { name: 'db1', namespace: 'default' }, spec };
}

test('schema validation messages verbatim', () => {
  const bad = cr({ size: 'huge', replicas: 11, name: 'ABCDEFG', created: 'yesterday', id: 'nope', tags: ['a', 'a'], ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }], ratio: null, port: true });
  const m = msgs(validateAgainstSchema(bad, schema));
  for (const want of [
    'spec.size: Unsupported value: "huge": supported values: "small", "medium", "large"',
    'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
    'spec.name: Too long: may not be more than 5 bytes',
    'spec.created: Invalid value: "yesterday": spec.created in body must be of type date-time: "yesterday"',
    'spec.id: Invalid value: "nope": spec.id in body must be of type uuid: "nope"',
    'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    'spec.tags[1]: Duplicate value: "a"',
    'spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}',
  ]) assert.ok(m.includes(want), `missing ${want}\n${m.join('\n')}`);
  assert.ok(!m.some((x) => x.startsWith('spec.ratio')), 'nullable accepts null');

  assert.deepEqual(msgs(validateAgainstSchema(cr({ replicas: 'three', name: 'ab' }), schema)), [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    'spec.name: Invalid value: "ab": spec.name in body should be at least 3 chars long',
    'spec.size: Required value',
  ]);
  assert.deepEqual(msgs(validateAgainstSchema(cr({ size: 'small', name: 'ab1' }), schema)), ["spec.name: Invalid value: \"ab1\": spec.name in body should match '^[a-z]+$'"]);
  assert.deepEqual(msgs(validateAgainstSchema(cr({ size: 'small', tags: ['a', 'b', 'c', 'd'] }), schema)), ['spec.tags: Too many: 4: must have at most 3 items']);
  assert.deepEqual(msgs(validateAgainstSchema(cr({ size: 'small', template: { metadata: { name: 'x' } } }), schema)), [
    'spec.template.apiVersion: Required value: must not be empty',
    'spec.template.kind: Required value: must not be empty',
  ]);
  assert.deepEqual(msgs(validateAgainstSchema(cr({ size: 'small', port: 8080, created: '2024-01-02T03:04:05Z', id: '123e4567-e89b-12d3-a456-426614174000' }), schema)), []);
  assert.ok(blockingError(validateAgainstSchema(cr({}), schema)));
});

test('pruning and defaulting', () => {
  const o = cr({ size: 'small', unknown: 1, extra: { anything: { goes: true } }, ports: [{ name: 'http', bogus: 1 }], template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: 1 }, spec: { x: 1 } } });
  (o.metadata as Record<string, unknown>).foo = 'bar';
  o.stray = true;
  const pruned = prune(o, schema, true);
  assert.deepEqual(pruned, ['metadata.foo', 'spec.ports[0].bogus', 'spec.template.metadata.junk', 'spec.unknown', 'stray']);
  const spec = o.spec as Record<string, unknown>;
  assert.deepEqual(spec.extra, { anything: { goes: true } });
  assert.deepEqual(spec.template, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 1 } });
  applyDefaults(o, schema);
  assert.equal(spec.color, 'red');
  assert.equal(spec.replicas, 1);
  assert.equal(spec.minReplicas, 0);
  assert.deepEqual(spec.ports, [{ name: 'http', protocol: 'TCP' }]);
  // non-nullable null with default is defaulted; nullable null is kept
  const n = cr({ size: 'small', color: null, ratio: null });
  applyDefaults(n, schema);
  assert.equal((n.spec as Record<string, unknown>).color, 'red');
  assert.equal((n.spec as Record<string, unknown>).ratio, null);
});

test('CEL rules: messages, fieldPath, transition rules, libraries', () => {
  const o = cr({ size: 'small', replicas: 1, minReplicas: 3, storageClass: 'fast' });
  assert.deepEqual(msgs(validateCEL(o, undefined, schema)), ['spec.replicas: Invalid value: "object": replicas must be >= minReplicas']);
  const old = cr({ size: 'small', replicas: 1, minReplicas: 0, storageClass: 'slow' });
  const now = cr({ size: 'small', replicas: 1, minReplicas: 0, storageClass: 'fast' });
  assert.deepEqual(msgs(validateCEL(now, old, schema)), ['spec: Invalid value: "object": storageClass is immutable']);
  assert.deepEqual(msgs(validateCEL(now, now, schema)), []);

  const lib = toStructural({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          xs: { type: 'array', items: { type: 'integer' } },
          s: { type: 'string' },
          q: { type: 'string' },
          u: { type: 'string' },
          opt: { type: 'string' },
        },
        'x-kubernetes-validations': [
          { rule: 'self.xs.isSorted() && self.xs.sum() == 6 && self.xs.min() == 1 && self.xs.max() == 3 && self.xs.indexOf(2) == 1' },
          { rule: "self.s.lowerAscii() == 'abc' && self.s.upperAscii() == 'ABC' && self.s.find('[a-z]+') == 'bc' && self.s.matches('^A')" },
          { rule: "isQuantity(self.q) && quantity(self.q).isGreaterThan(quantity('1Gi'))" },
          { rule: "isURL(self.u) && url(self.u).getHost() == 'example.com:8443' && url(self.u).getScheme() == 'https'" },
          { rule: 'self.opt == "x"', messageExpression: "'opt was ' + self.opt", reason: 'FieldValueForbidden' },
          { rule: 'self.missing == 1' },
          { rule: 'size(self.s) < 2', message: 'short' },
        ],
      },
    },
  });
  const ok = { spec: { xs: [1, 2, 3], s: 'Abc', q: '2Gi', u: 'https://example.com:8443/x?y=1', opt: 'y' } };
  assert.deepEqual(msgs(validateCEL(ok, undefined, lib)), [
    'spec: Forbidden: opt was y',
    "spec: Invalid value: \"object\": compilation failed: ERROR: <input>:1:5: undefined field 'missing'\n | self.missing == 1\n | ....^".replace('compilation failed', 'rule compile error: compilation failed'),
    'spec: Invalid value: "object": short',
  ]);

  const unset = toStructural({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: "self.a == 'x'" }] } } });
  assert.deepEqual(msgs(validateCEL({ spec: {} }, undefined, unset)), ["spec: Invalid value: \"object\": no such key: a evaluating rule: self.a == 'x'"]);
  assert.deepEqual(msgs(validateCEL({ spec: { a: 'y' } }, undefined, unset)), ["spec: Invalid value: \"object\": failed rule: self.a == 'x'"]);

  // optionalOldSelf: evaluated on create with oldSelf = optional.none()
  const oos = toStructural({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: "!oldSelf.hasValue() || oldSelf.value().a == self.a", optionalOldSelf: true, message: 'a is immutable' }] } } });
  assert.deepEqual(msgs(validateCEL({ spec: { a: 'x' } }, undefined, oos)), []);
  assert.deepEqual(msgs(validateCEL({ spec: { a: 'x' } }, { spec: { a: 'y' } }, oos)), ['spec: Invalid value: "object": a is immutable']);
});

test('CEL runtime cost limit stops an expensive rule', () => {
  const expensive = toStructural({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          items: { type: 'array', items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'self.all(x, self.all(y, x == y || x != y))' }] },
          after: { type: 'string', 'x-kubernetes-validations': [{ rule: "self == 'never evaluated'" }] },
        },
      },
    },
  });
  const items = Array.from({ length: 3000 }, (_, i) => `item-${i}`);
  const o = cr({ items, after: 'x' });
  const t0 = Date.now();
  const m = msgs(validateCEL(o, undefined, expensive));
  assert.ok(Date.now() - t0 < 20000);
  assert.deepEqual(m, [
    "spec.items: Invalid value: \"array\": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: self.all(x, self.all(y, x == y || x != y))",
  ]);
});

test('OpenAPI v3 document and swagger fragment shape', () => {
  const doc = crdOpenAPIv3Document(operatorCRD(), 'v1') as {
    paths: Record<string, Record<string, { operationId?: string; parameters?: { name?: string }[] }>>;
    components: { schemas: Record<string, Record<string, unknown>> };
  };
  const base = '/apis/example.com/v1';
  assert.deepEqual(Object.keys(doc.paths).sort(), [
    `${base}/databases`,
    `${base}/namespaces/{namespace}/databases`,
    `${base}/namespaces/{namespace}/databases/{name}`,
    `${base}/namespaces/{namespace}/databases/{name}/scale`,
    `${base}/namespaces/{namespace}/databases/{name}/status`,
  ]);
  const item = doc.paths[`${base}/namespaces/{namespace}/databases/{name}`]!;
  assert.equal(item.get!.operationId, 'readComExampleV1NamespacedDatabase'.replace('ComExample', 'ExampleCom'));
  const put = item.put!;
  const names = (put.parameters ?? []).map((p) => p.name);
  for (const n of ['dryRun', 'fieldManager', 'fieldValidation']) assert.ok(names.includes(n), n);
  assert.ok((item.patch!.parameters ?? []).some((p) => p.name === 'force'));
  const s = doc.components.schemas['com.example.v1.Database']!;
  assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Database', version: 'v1' }]);
  assert.ok(doc.components.schemas['com.example.v1.DatabaseList']);
  assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  assert.ok(doc.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
  assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status']);
  const frag = crdSwaggerFragment(operatorCRD(), 'v1');
  assert.ok(frag.definitions?.['com.example.v1.Database']);
  assert.ok(frag.paths?.[`${base}/namespaces/{namespace}/databases/{name}/status`]);
});
