import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../src/api/errors.js';
import type { KObject } from '../src/api/types.js';
import {
  everything,
  labelSelectorFromObject,
  nothing,
  parseLabelSelector,
  selectorFromSet,
  selectorToString,
  validateLabelSelector,
} from '../src/registry/selectors/labels.js';
import {
  checkSupportedFields,
  matchesFields,
  parseFieldSelector,
  selectableFields,
  transformFieldSelector,
} from '../src/registry/selectors/fields.js';

function statusErr(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected StatusError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

function badRequestMsg(fn: () => unknown): string {
  const e = statusErr(fn);
  assert.equal(e.code, 400);
  assert.equal(e.reason, 'BadRequest');
  const st = e.toStatus();
  assert.equal(st.code, 400);
  assert.equal(st.reason, 'BadRequest');
  assert.equal(st.status, 'Failure');
  return e.message;
}

const QNAME_NAME_ERR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

// ---------------------------------------------------------------------------------------------
// label selectors: parsing and matching

test('label selector: equality operators', () => {
  for (const s of ['env=prod', 'env==prod']) {
    const sel = parseLabelSelector(s);
    assert.equal(sel.matches({ env: 'prod' }), true);
    assert.equal(sel.matches({ env: 'dev' }), false);
    assert.equal(sel.matches({}), false);
    assert.equal(sel.matches(undefined), false);
    assert.equal(sel.toString(), s);
  }
  const ne = parseLabelSelector('env!=prod');
  assert.equal(ne.matches({ env: 'dev' }), true);
  assert.equal(ne.matches({}), true, '!= matches a missing key');
  assert.equal(ne.matches({ env: 'prod' }), false);
  // empty value
  const ev = parseLabelSelector('env=');
  assert.equal(ev.matches({ env: '' }), true);
  assert.equal(ev.matches({}), false);
  assert.equal(ev.toString(), 'env=');
});

test('label selector: set-based and existence operators', () => {
  const inSel = parseLabelSelector('tier in (frontend, backend)');
  assert.equal(inSel.matches({ tier: 'backend' }), true);
  assert.equal(inSel.matches({ tier: 'db' }), false);
  assert.equal(inSel.matches({}), false);
  assert.equal(inSel.toString(), 'tier in (backend,frontend)');

  const notin = parseLabelSelector('tier notin (frontend)');
  assert.equal(notin.matches({ tier: 'backend' }), true);
  assert.equal(notin.matches({}), true);
  assert.equal(notin.matches({ tier: 'frontend' }), false);

  const ex = parseLabelSelector('gpu');
  assert.equal(ex.matches({ gpu: '' }), true);
  assert.equal(ex.matches({}), false);
  assert.equal(ex.toString(), 'gpu');

  const dne = parseLabelSelector('!gpu');
  assert.equal(dne.matches({}), true);
  assert.equal(dne.matches({ gpu: 'x' }), false);
  assert.equal(dne.toString(), '!gpu');

  // "in" and "notin" are plain identifiers in value position and as keys
  assert.equal(parseLabelSelector('x in (in,notin)').matches({ x: 'notin' }), true);
  assert.equal(parseLabelSelector('in=notin').matches({ in: 'notin' }), true);
  // empty values
  assert.equal(parseLabelSelector('a in ()').toString(), 'a in ()');
  assert.equal(parseLabelSelector('a in ()').matches({ a: '' }), true);
  assert.equal(parseLabelSelector('a in (b,,c)').toString(), 'a in (,b,c)');
  assert.equal(parseLabelSelector('a in (,b)').toString(), 'a in (,b)');
});

test('label selector: numeric gt/lt', () => {
  const gt = parseLabelSelector('replicas>3');
  assert.equal(gt.matches({ replicas: '4' }), true);
  assert.equal(gt.matches({ replicas: '3' }), false);
  assert.equal(gt.matches({ replicas: 'x' }), false);
  assert.equal(gt.matches({}), false);
  assert.equal(gt.toString(), 'replicas>3');
  const lt = parseLabelSelector('replicas < 10');
  assert.equal(lt.matches({ replicas: '9' }), true);
  assert.equal(lt.matches({ replicas: '-2' }), true, 'label values may be compared even when negative');
  assert.equal(lt.matches({ replicas: '10' }), false);
  assert.equal(lt.toString(), 'replicas<10');
  // a negative bound is not a valid label value, so kube rejects it
  assert.match(badRequestMsg(() => parseLabelSelector('replicas<-1')), /^unable to parse requirement: values\[0\]\[replicas\]: Invalid value: "-1": /);
  // int64 comparison, not float
  assert.equal(parseLabelSelector('n>9007199254740992').matches({ n: '9007199254740993' }), true);
});

test('label selector: whitespace, empty, canonical order', () => {
  assert.equal(parseLabelSelector('').empty(), true);
  assert.equal(parseLabelSelector('   ').empty(), true);
  assert.equal(parseLabelSelector('').matches({ a: 'b' }), true);
  assert.equal(parseLabelSelector('').toString(), '');
  const sel = parseLabelSelector(' z = 1 ,\ty notin (b, a) ,\n!x , w , v>2');
  assert.equal(sel.toString(), 'v>2,w,!x,y notin (a,b),z=1');
  assert.equal(sel.matches({ z: '1', w: '', v: '3' }), true);
  assert.equal(sel.matches({ z: '1', w: '', v: '3', x: '' }), false);
  assert.equal(parseLabelSelector('example.com/app=web,app=x').toString(), 'app=x,example.com/app=web');
  assert.equal(everything().toString(), '');
  assert.equal(everything().empty(), true);
  assert.equal(selectorToString(selectorFromSet({ b: '2', a: '1' })), 'a=1,b=2');
});

test('label selector: requiresExactMatch', () => {
  const s = parseLabelSelector('a=1,b in (2),c in (3,4),d!=5');
  assert.equal(s.requiresExactMatch('a'), '1');
  assert.equal(s.requiresExactMatch('b'), '2');
  assert.equal(s.requiresExactMatch('c'), undefined);
  assert.equal(s.requiresExactMatch('d'), undefined);
  assert.equal(s.requiresExactMatch('zz'), undefined);
});

test('label selector: kube error messages (400 BadRequest)', () => {
  const cases: [string, string][] = [
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['x!', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ['a,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    [',', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    // v0.32 quirk: ",," consumes the second comma
    ['a in (b,,)', "unable to parse requirement: found ')', expected: ',', or identifier"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['-a', `unable to parse requirement: <nil>: Invalid value: "-a": ${QNAME_NAME_ERR}`],
    ['a:b=c', `unable to parse requirement: <nil>: Invalid value: "a:b": ${QNAME_NAME_ERR}`],
    [
      'a/b/c',
      "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
    ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    [
      'Example.com/a=1',
      "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    [
      `${'a'.repeat(64)}=b`,
      `unable to parse requirement: <nil>: Invalid value: "${'a'.repeat(64)}": name part must be no more than 63 characters`,
    ],
    ['x=-b', `unable to parse requirement: values[0][x]: Invalid value: "-b": ${LABEL_VALUE_ERR}`],
    [
      `x=${'v'.repeat(64)}`,
      `unable to parse requirement: values[0][x]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    ],
    ['x in (ok,-bad)', `unable to parse requirement: values[0][x]: Invalid value: "-bad": ${LABEL_VALUE_ERR}`],
    ['a>b', `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`],
    [
      'a<-b',
      `unable to parse requirement: [values[0]: Invalid value: "-b": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: "-b": ${LABEL_VALUE_ERR}]`,
    ],
  ];
  for (const [sel, msg] of cases) assert.equal(badRequestMsg(() => parseLabelSelector(sel)), msg, `selector ${JSON.stringify(sel)}`);
});

// ---------------------------------------------------------------------------------------------
// meta/v1 LabelSelector objects

test('LabelSelector objects: matchLabels + matchExpressions', () => {
  const sel = labelSelectorFromObject({
    matchLabels: { app: 'web', tier: 'fe' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod', 'canary'] },
      { key: 'track', operator: 'NotIn', values: ['beta'] },
      { key: 'gpu', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(sel.toString(), 'app=web,env in (canary,prod),gpu,!legacy,tier=fe,track notin (beta)');
  assert.equal(sel.matches({ app: 'web', tier: 'fe', env: 'prod', gpu: '' }), true);
  assert.equal(sel.matches({ app: 'web', tier: 'fe', env: 'prod', gpu: '', legacy: '1' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'fe', env: 'prod', gpu: '', track: 'beta' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'fe', env: 'dev', gpu: '' }), false);

  // empty selector: everything; nil: nothing
  const all = labelSelectorFromObject({});
  assert.equal(all.empty(), true);
  assert.equal(all.matches({ a: 'b' }), true);
  assert.equal(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }).matches(undefined), true);
  const none = labelSelectorFromObject(undefined);
  assert.equal(none.matches({}), false);
  assert.equal(none.empty(), false);
  assert.equal(none.toString(), '');
  assert.equal(nothing().matchesNothing(), true);
  // duplicate keys keep their order (stable sort by key)
  assert.equal(
    labelSelectorFromObject({ matchLabels: { b: '1', a: '2' }, matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['z', 'y'] }] }).toString(),
    'a=2,a notin (y,z),b=1',
  );
});

test('LabelSelector objects: LabelSelectorAsSelector errors', () => {
  assert.equal(
    badRequestMsg(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Foo' }] })),
    '"Foo" is not a valid label selector operator',
  );
  assert.equal(
    badRequestMsg(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In' }] })),
    "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
  );
  assert.equal(
    badRequestMsg(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })),
    'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
  );
  assert.equal(
    badRequestMsg(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a b', operator: 'Exists', values: ['x'] }] })),
    `[key: Invalid value: "a b": ${QNAME_NAME_ERR}, values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist]`,
  );
  assert.equal(
    badRequestMsg(() => labelSelectorFromObject({ matchLabels: { a: 'b c' } })),
    `values[0][a]: Invalid value: "b c": ${LABEL_VALUE_ERR}`,
  );
  assert.equal(badRequestMsg(() => labelSelectorFromObject({ matchLabels: { 'a b': 'c' } })), `key: Invalid value: "a b": ${QNAME_NAME_ERR}`);
});

test('LabelSelector objects: ValidateLabelSelector field errors', () => {
  const errs = validateLabelSelector(
    {
      matchLabels: { 'a b': 'ok' },
      matchExpressions: [
        { key: 'k', operator: 'In', values: [] },
        { key: 'k', operator: 'Exists', values: ['v'] },
        { key: 'k', operator: 'Bogus' },
      ],
    },
    'spec.selector',
  );
  assert.deepEqual(
    errs.map((e) => [e.type, e.field]),
    [
      ['FieldValueInvalid', 'spec.selector.matchLabels'],
      ['FieldValueRequired', 'spec.selector.matchExpressions[0].values'],
      ['FieldValueForbidden', 'spec.selector.matchExpressions[1].values'],
      ['FieldValueInvalid', 'spec.selector.matchExpressions[2].operator'],
    ],
  );
  assert.equal(errs[1]!.detail, "must be specified when `operator` is 'In' or 'NotIn'");
});

// ---------------------------------------------------------------------------------------------
// field selectors

test('field selector: parse, match, canonical string', () => {
  const sel = parseFieldSelector('status.phase!=Running,metadata.name==foo');
  assert.deepEqual(sel.requirements(), [
    { field: 'metadata.name', op: '=', value: 'foo' },
    { field: 'status.phase', op: '!=', value: 'Running' },
  ]);
  assert.equal(sel.toString(), 'metadata.name=foo,status.phase!=Running');
  assert.equal(sel.matches({ 'metadata.name': 'foo', 'status.phase': 'Pending' }), true);
  assert.equal(sel.matches({ 'metadata.name': 'foo', 'status.phase': 'Running' }), false);
  assert.equal(sel.requiresExactMatch('metadata.name'), 'foo');
  assert.equal(sel.requiresExactMatch('status.phase'), undefined);
  // a missing field reads as ""
  assert.equal(parseFieldSelector('spec.nodeName=').matches({}), true);
  assert.equal(parseFieldSelector('spec.nodeName!=').matches({}), false);
  // escaping
  const esc = parseFieldSelector('a=x\\,y\\=z\\\\');
  assert.deepEqual(esc.requirements(), [{ field: 'a', op: '=', value: 'x,y=z\\' }]);
  assert.equal(esc.toString(), 'a=x\\,y\\=z\\\\');
  // empty / trailing commas
  assert.equal(parseFieldSelector('').empty(), true);
  assert.equal(parseFieldSelector(',').empty(), true);
  assert.equal(parseFieldSelector('a=b,').toString(), 'a=b');
  assert.equal(parseFieldSelector('').matches({ a: 'b' }), true);
});

test('field selector: kube parse errors (400 BadRequest)', () => {
  const cases: [string, string][] = [
    ['foo', "invalid selector: 'foo'; can't understand 'foo'"],
    ['a=b,foo', "invalid selector: 'a=b,foo'; can't understand 'foo'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [s, msg] of cases) assert.equal(badRequestMsg(() => parseFieldSelector(s)), msg, s);
});

test('field selector: supported labels per resource', () => {
  const ok = (g: string, r: string, ns: boolean, s: string): void => checkSupportedFields(g, r, ns, parseFieldSelector(s));
  const err = (g: string, r: string, ns: boolean, s: string): string => badRequestMsg(() => ok(g, r, ns, s));

  ok('', 'pods', true, 'metadata.name=a,metadata.namespace=b,spec.nodeName=n,spec.restartPolicy=Always,spec.schedulerName=s');
  ok('', 'pods', true, 'spec.serviceAccountName=x,spec.hostNetwork=true,status.phase=Running,status.podIP=1.2.3.4,status.podIPs=x');
  ok('', 'pods', true, 'status.nominatedNodeName=x,spec.host=n');
  assert.equal(err('', 'pods', true, 'spec.foo=x'), 'field label not supported: spec.foo');
  assert.equal(err('', 'nodes', false, 'metadata.namespace=x'), 'field label not supported: metadata.namespace');
  ok('', 'nodes', false, 'spec.unschedulable=false,metadata.name=n');
  ok('', 'namespaces', false, 'status.phase=Active');
  assert.equal(err('', 'namespaces', false, 'metadata.namespace=x'), 'field label not supported: metadata.namespace');
  ok('', 'secrets', true, 'type=Opaque');
  ok('', 'services', true, 'spec.clusterIP=None,spec.type=ClusterIP');
  ok('', 'replicationcontrollers', true, 'status.replicas=1');
  ok('', 'events', true, 'involvedObject.kind=Pod,involvedObject.uid=u,reason=x,reportingComponent=y,source=z,type=Normal');
  assert.equal(err('', 'events', true, 'regarding.kind=Pod'), 'field label not supported: regarding.kind');
  ok('events.k8s.io', 'events', true, 'regarding.kind=Pod,reportingController=c,type=Warning');
  assert.equal(err('events.k8s.io', 'events', true, 'involvedObject.kind=Pod'), 'field label not supported: involvedObject.kind');
  ok('batch', 'jobs', true, 'status.successful=1');
  assert.equal(err('batch', 'jobs', true, 'status.active=1'), 'field label "status.active" not supported for batchv1.Job');
  ok('certificates.k8s.io', 'certificatesigningrequests', false, 'spec.signerName=kubernetes.io/kubelet-serving');
  // kinds without a conversion func: the default metadata.name / metadata.namespace
  ok('', 'configmaps', true, 'metadata.name=a,metadata.namespace=b');
  ok('rbac.authorization.k8s.io', 'clusterroles', false, 'metadata.namespace=');
  assert.equal(err('', 'configmaps', true, 'data.x=1'), '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
  assert.equal(
    err('apps', 'replicasets', true, 'status.replicas=1'),
    '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
  );
  // the first unsupported term in sorted order is reported
  assert.equal(err('', 'pods', true, 'zzz=1,aaa=2'), 'field label not supported: aaa');
});

test('field selector: transform renames labels', () => {
  const t = transformFieldSelector('events.k8s.io', 'events', true, parseFieldSelector('regarding.name=p,reportingController=kubelet'));
  assert.equal(t.toString(), 'involvedObject.name=p,reportingComponent=kubelet');
  const p = transformFieldSelector('', 'pods', true, parseFieldSelector('spec.host=node1'));
  assert.equal(p.toString(), 'spec.nodeName=node1');
});

// ---------------------------------------------------------------------------------------------
// selectable fields

test('selectable fields: pods', () => {
  const pod: KObject = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', hostNetwork: true },
    status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] },
  };
  assert.deepEqual(selectableFields('', 'pods', pod), {
    'metadata.name': 'p',
    'metadata.namespace': 'ns',
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default',
    'spec.hostNetwork': 'true',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.1',
    'status.nominatedNodeName': '',
  });
  const bare: KObject = { metadata: { name: 'q', namespace: 'ns' }, spec: {} };
  const f = selectableFields('', 'pods', bare);
  assert.equal(f['spec.hostNetwork'], 'false');
  assert.equal(f['status.podIP'], '');
  assert.equal(f['status.phase'], '');
  assert.equal('status.podIPs' in f, false);

  const sel = transformFieldSelector('', 'pods', true, parseFieldSelector('spec.nodeName=n1,status.phase!=Failed'));
  assert.equal(matchesFields('', 'pods', pod, sel), true);
  assert.equal(matchesFields('', 'pods', bare, sel), false);
  assert.equal(matchesFields('', 'pods', bare, parseFieldSelector('spec.hostNetwork=false')), true);
  assert.equal(matchesFields('', 'pods', bare, parseFieldSelector('status.podIP=')), true);
  // status.podIPs is accepted but never exposed: it always reads as ""
  assert.equal(matchesFields('', 'pods', pod, parseFieldSelector('status.podIPs=10.0.0.1')), false);
});

test('selectable fields: events (core and events.k8s.io)', () => {
  const ev: KObject = {
    metadata: { name: 'e', namespace: 'ns' },
    involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'u1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{c}' },
    reason: 'Started',
    source: { component: 'kubelet' },
    reportingComponent: 'kubelet-r',
    type: 'Normal',
  };
  assert.deepEqual(selectableFields('', 'events', ev), {
    'metadata.name': 'e',
    'metadata.namespace': 'ns',
    'involvedObject.kind': 'Pod',
    'involvedObject.namespace': 'ns',
    'involvedObject.name': 'p',
    'involvedObject.uid': 'u1',
    'involvedObject.apiVersion': 'v1',
    'involvedObject.resourceVersion': '5',
    'involvedObject.fieldPath': 'spec.containers{c}',
    reason: 'Started',
    reportingComponent: 'kubelet-r',
    source: 'kubelet',
    type: 'Normal',
  });
  // source falls back to the reporting controller
  const noSource = selectableFields('', 'events', { ...ev, source: {} });
  assert.equal(noSource['source'], 'kubelet-r');

  const ev2: KObject = {
    metadata: { name: 'e2', namespace: 'ns' },
    regarding: { kind: 'Node', name: 'n1' },
    reportingController: 'ctrl',
    reason: 'R',
    type: 'Warning',
  };
  const sel = transformFieldSelector('events.k8s.io', 'events', true, parseFieldSelector('regarding.kind=Node,reportingController=ctrl,type=Warning'));
  assert.equal(matchesFields('events.k8s.io', 'events', ev2, sel), true);
  assert.equal(selectableFields('events.k8s.io', 'events', ev2)['source'], 'ctrl');
});

test('selectable fields: secrets, namespaces, nodes, services, rc, jobs, csr', () => {
  assert.deepEqual(selectableFields('', 'secrets', { metadata: { name: 's', namespace: 'n' }, type: 'kubernetes.io/tls' }), {
    type: 'kubernetes.io/tls',
    'metadata.name': 's',
    'metadata.namespace': 'n',
  });
  const ns = selectableFields('', 'namespaces', { metadata: { name: 'dev' }, status: { phase: 'Terminating' } });
  assert.equal(ns['status.phase'], 'Terminating');
  assert.equal(ns['metadata.name'], 'dev');
  assert.equal('metadata.namespace' in ns, false);
  assert.equal(selectableFields('', 'nodes', { metadata: { name: 'n' }, spec: { unschedulable: true } })['spec.unschedulable'], 'true');
  assert.equal(selectableFields('', 'nodes', { metadata: { name: 'n' } })['spec.unschedulable'], 'false');
  assert.equal(
    matchesFields('', 'nodes', { metadata: { name: 'n' }, spec: {} }, transformFieldSelector('', 'nodes', false, parseFieldSelector('spec.unschedulable=false'))),
    true,
  );
  const svc = selectableFields('', 'services', { metadata: { name: 'x', namespace: 'd' }, spec: { clusterIP: 'None', type: 'ClusterIP' } });
  assert.equal(svc['spec.clusterIP'], 'None');
  assert.equal(svc['spec.type'], 'ClusterIP');
  assert.equal(selectableFields('', 'replicationcontrollers', { metadata: { name: 'r', namespace: 'd' }, status: {} })['status.replicas'], '0');
  assert.equal(selectableFields('', 'replicationcontrollers', { metadata: { name: 'r', namespace: 'd' }, status: { replicas: 3 } })['status.replicas'], '3');
  assert.equal(selectableFields('batch', 'jobs', { metadata: { name: 'j', namespace: 'd' }, status: { succeeded: 2 } })['status.successful'], '2');
  assert.equal(selectableFields('batch', 'jobs', { metadata: { name: 'j', namespace: 'd' } })['status.successful'], '0');
  assert.equal(
    selectableFields('certificates.k8s.io', 'certificatesigningrequests', { metadata: { name: 'c' }, spec: { signerName: 'example.com/x' } })['spec.signerName'],
    'example.com/x',
  );
  // generic resources: name and, if namespaced, namespace
  assert.deepEqual(selectableFields('', 'configmaps', { metadata: { name: 'cm', namespace: 'd' } }), { 'metadata.name': 'cm', 'metadata.namespace': 'd' });
  assert.deepEqual(selectableFields('rbac.authorization.k8s.io', 'clusterroles', { metadata: { name: 'cr' } }), { 'metadata.name': 'cr' });
  assert.deepEqual(selectableFields('', 'configmaps', { metadata: { name: 'cm' } }, true), { 'metadata.name': 'cm', 'metadata.namespace': '' });
});
