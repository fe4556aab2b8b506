// x-kubernetes-validations: compilation (with a schema-aware check pass and a static cost estimate) and evaluation
// with runtime cost limits. Semantics and messages: k8s.io/apiextensions-apiserver v0.32
// pkg/apiserver/schema/cel/{compilation.go,validation.go}, pkg/apis/apiextensions/validation/validation.go
// (getCostErrorMessage, limits), k8s.io/apiserver pkg/apis/cel/config.go (PerCallLimit, RuntimeCELCostBudget).

import { celEnv, celFunc, CelScalar, isCelError, parse, plan, type CelEnv, type CelInput, type CelResult } from '@bufbuild/cel';
import { durationFromMs, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { fieldErr, type FieldError } from '../api/field-errors.js';
import { kubernetesLibrary, optionalNone, optionalOf } from './cel-lib.js';
import { childPath, indexPath, isPlainObject, keyPath, type StructuralSchema, type ValidationRule } from './structural.js';

type ParsedExpr = ReturnType<typeof parse>;
type Expr = NonNullable<ParsedExpr['expr']>;
type Program = (ctx: Record<string, CelInput>) => CelResult;

/** k8s.io/apiserver/pkg/apis/cel: PerCallLimit, RuntimeCELCostBudget. */
export const PER_CALL_LIMIT = 1_000_000;
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;
/** apiextensions validation: StaticEstimatedCostLimit, StaticEstimatedCRDCostLimit. */
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;
const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;

// ------------------------------------------------------------------------------- runtime cost tracker

const COST_EXCEEDED = 'operation cancelled: actual cost limit exceeded';
const tracker = { cost: 0, limit: Infinity, exceeded: false };

function charge(n: number): void {
  tracker.cost += n;
  if (tracker.cost > tracker.limit) tracker.exceeded = true;
}

function sizeOf(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array) return v.length;
  if (v && typeof v === 'object' && 'size' in v && typeof (v as { size: unknown }).size === 'number') return (v as { size: number }).size;
  return 0;
}

const costFuncs = [
  celFunc('__kcost', [CelScalar.DYN], CelScalar.DYN, (v) => {
    charge(1);
    if (tracker.exceeded) throw new Error(COST_EXCEEDED);
    return v;
  }),
  celFunc('__ksz', [CelScalar.DYN], CelScalar.DYN, (v) => {
    charge(Math.ceil(sizeOf(v) * 0.1));
    if (tracker.exceeded) throw new Error(COST_EXCEEDED);
    return v;
  }),
  celFunc('__kcond', [CelScalar.DYN], CelScalar.DYN, (v) => {
    charge(1);
    if (tracker.exceeded) return false; // stops the comprehension loop
    return v;
  }),
];

let envCache: CelEnv | undefined;
function env(): CelEnv {
  if (!envCache) envCache = celEnv({ funcs: [...kubernetesLibrary(), ...costFuncs] });
  return envCache;
}

// ------------------------------------------------------------------------------- AST helpers

let nextId = 1_000_000n;
function call(fn: string, arg: Expr): Expr {
  return {
    $typeName: 'cel.expr.Expr',
    id: nextId++,
    exprKind: { case: 'callExpr', value: { $typeName: 'cel.expr.Expr.Call', function: fn, args: [arg] } },
  } as unknown as Expr;
}

const TRAVERSING = new Set(['contains', 'startsWith', 'endsWith', 'matches', 'split', 'replace', 'lowerAscii', 'upperAscii', 'indexOf', 'lastIndexOf', 'find', 'findAll', 'join', 'format', 'trim', 'substring', '_+_', '_==_', '_!=_', 'url', 'isURL', 'quantity', 'isQuantity', '@in']);
const NO_WRAP = new Set(['__kcost', '__ksz', '__kcond']);

/** Rewrites the AST in place so evaluation charges cost (calls, traversed sizes, loop iterations). */
function instrument(e: Expr): Expr {
  const k = e.exprKind;
  switch (k.case) {
    case 'callExpr': {
      const c = k.value;
      if (NO_WRAP.has(c.function)) return e;
      if (c.target) c.target = instrument(c.target);
      c.args = c.args.map(instrument);
      if (TRAVERSING.has(c.function)) {
        if (c.target) c.target = call('__ksz', c.target);
        c.args = c.args.map((a) => call('__ksz', a));
      }
      return call('__kcost', e);
    }
    case 'selectExpr':
      if (k.value.operand) k.value.operand = instrument(k.value.operand);
      return e;
    case 'listExpr':
      k.value.elements = k.value.elements.map(instrument);
      return e;
    case 'structExpr':
      for (const en of k.value.entries) {
        if (en.keyKind.case === 'mapKey') en.keyKind.value = instrument(en.keyKind.value);
        if (en.value) en.value = instrument(en.value);
      }
      return e;
    case 'comprehensionExpr': {
      const c = k.value;
      if (c.iterRange) c.iterRange = instrument(c.iterRange);
      if (c.accuInit) c.accuInit = instrument(c.accuInit);
      if (c.loopCondition) c.loopCondition = call('__kcond', instrument(c.loopCondition));
      if (c.loopStep) c.loopStep = instrument(c.loopStep);
      if (c.result) c.result = instrument(c.result);
      return e;
    }
    default:
      return e;
  }
}

// ------------------------------------------------------------------------------- names & values

const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** k8s.io/apiserver/pkg/cel Escape: property name → CEL field name, or undefined when not expressible. */
export function escapeName(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_][a-zA-Z0-9_./-]*$/.test(name)) return undefined;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

function isObjectSchema(s: StructuralSchema | undefined): boolean {
  return !!s && (s.type === 'object' || (!s.type && !!s.properties));
}

/** JSON value → CEL input typed by the schema (integer → int, number → double, date-time → timestamp, ...). */
export function toCelValue(v: unknown, s: StructuralSchema | undefined, isRoot = false): CelInput {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (s?.type === 'number') return v;
    if (Number.isInteger(v) && (s?.type === 'integer' || s?.xIntOrString || !s || !s.type)) return BigInt(v);
    return v;
  }
  if (typeof v === 'string') {
    if (s?.type === 'string' && s.format) {
      if (s.format === 'date-time' || s.format === 'date') {
        const d = new Date(v);
        if (!Number.isNaN(d.getTime())) return timestampFromDate(d) as unknown as CelInput;
      } else if (s.format === 'duration') {
        const ms = parseGoDuration(v);
        if (ms !== undefined) return durationFromMs(ms) as unknown as CelInput;
      } else if (s.format === 'byte') {
        return Uint8Array.from(Buffer.from(v, 'base64'));
      }
    }
    return v;
  }
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => toCelValue(x, s?.items));
  if (isPlainObject(v)) {
    const out: { [k: string]: CelInput } = {};
    const embedded = isRoot || !!s?.xEmbeddedResource;
    for (const [k, x] of Object.entries(v)) {
      const prop = s?.properties?.get(k);
      if (prop || (s && isObjectSchema(s) && !s.additionalProperties && !s.xPreserveUnknownFields)) {
        if (embedded && k === 'metadata' && !prop) {
          const md: { [k: string]: CelInput } = {};
          if (isPlainObject(x)) for (const f of ['name', 'generateName']) if (typeof x[f] === 'string') md[f] = x[f] as string;
          out.metadata = md;
          continue;
        }
        if (embedded && (k === 'apiVersion' || k === 'kind') && !prop) {
          out[k] = toCelValue(x, undefined);
          continue;
        }
        if (!prop) continue;
        const n = escapeName(k);
        if (n !== undefined) out[n] = toCelValue(x, prop);
      } else if (s?.additionalProperties && s.additionalProperties !== true) {
        out[k] = toCelValue(x, s.additionalProperties);
      } else {
        out[k] = toCelValue(x, undefined);
      }
    }
    return out;
  }
  return null;
}

function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  if (!/^[-+]?((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  const mult: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
  let total = 0;
  for (const m of s.matchAll(re)) total += Number(m[1]) * mult[m[2]!]!;
  return s.startsWith('-') ? -total : total;
}

// ------------------------------------------------------------------------------- checking

/** What the check pass knows about an expression's type. */
interface TypeInfo {
  kind: 'schema' | 'meta' | 'bool' | 'int' | 'double' | 'string' | 'bytes' | 'null' | 'list' | 'map' | 'timestamp' | 'duration' | 'dyn' | 'type';
  schema?: StructuralSchema;
  root?: boolean;
  elem?: TypeInfo;
}

const DYN: TypeInfo = { kind: 'dyn' };

function typeOfSchema(s: StructuralSchema | undefined, root = false): TypeInfo {
  if (!s) return DYN;
  if (s.xIntOrString) return DYN;
  switch (s.type) {
    case 'object':
      if (s.additionalProperties && s.additionalProperties !== true && !s.properties) return { kind: 'map', elem: typeOfSchema(s.additionalProperties) };
      if (s.xPreserveUnknownFields && !s.properties) return DYN;
      return { kind: 'schema', schema: s, root: root || s.xEmbeddedResource };
    case 'array':
      return { kind: 'list', elem: typeOfSchema(s.items) };
    case 'string':
      if (s.format === 'date-time' || s.format === 'date') return { kind: 'timestamp' };
      if (s.format === 'duration') return { kind: 'duration' };
      if (s.format === 'byte') return { kind: 'bytes' };
      return { kind: 'string' };
    case 'integer':
      return { kind: 'int' };
    case 'number':
      return { kind: 'double' };
    case 'boolean':
      return { kind: 'bool' };
    default:
      return s.properties ? { kind: 'schema', schema: s, root } : DYN;
  }
}

const BOOL_FUNCS = new Set(['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_&&_', '_||_', '!_', '@in', 'contains', 'startsWith', 'endsWith', 'matches', 'isSorted', 'isURL', 'isQuantity', 'hasValue', 'isInteger', 'isGreaterThan', 'isLessThan', '@not_strictly_false']);
const TYPE_IDENTS = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn', 'optional']);

interface CheckIssue {
  offset: number;
  message: string;
}

class Checker {
  issues: CheckIssue[] = [];
  usesOldSelf = false;
  constructor(
    private readonly positions: { [id: string]: number },
    private readonly vars: Map<string, TypeInfo>,
  ) {}

  private pos(e: Expr): number {
    return this.positions[String(e.id)] ?? 0;
  }

  check(e: Expr, scope: Map<string, TypeInfo>): TypeInfo {
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr': {
        const c = k.value.constantKind.case;
        return c === 'boolValue' ? { kind: 'bool' } : c === 'int64Value' ? { kind: 'int' } : c === 'doubleValue' ? { kind: 'double' } : c === 'stringValue' ? { kind: 'string' } : c === 'bytesValue' ? { kind: 'bytes' } : c === 'nullValue' ? { kind: 'null' } : DYN;
      }
      case 'identExpr': {
        const n = k.value.name;
        const t = scope.get(n) ?? this.vars.get(n);
        if (n === 'oldSelf' && t) this.usesOldSelf = true;
        if (t) return t;
        if (TYPE_IDENTS.has(n)) return { kind: 'type' };
        this.issues.push({ offset: this.pos(e), message: `undeclared reference to '${n}' (in container '')` });
        return DYN;
      }
      case 'selectExpr': {
        const op = k.value.operand;
        // qualified function-ish idents (optional.none) are parsed as calls; a.b.c on unknown ident:
        const ot = op ? this.check(op, scope) : DYN;
        const f = k.value.field;
        const r = this.selectField(ot, f, e);
        return k.value.testOnly ? { kind: 'bool' } : r;
      }
      case 'callExpr': {
        const c = k.value;
        const tt = c.target ? this.check(c.target, scope) : undefined;
        const ats = c.args.map((a) => this.check(a, scope));
        if (c.function === '_[_]' && ats[0]) {
          const t = ats[0];
          if (t.kind === 'list' || t.kind === 'map') return t.elem ?? DYN;
          return DYN;
        }
        if (c.function === 'size' || c.function === 'int' || c.function === 'indexOf' || c.function === 'lastIndexOf') return { kind: 'int' };
        if (c.function === 'string' || c.function === 'lowerAscii' || c.function === 'upperAscii' || c.function === 'format' || c.function === 'trim' || c.function === 'replace' || c.function === 'join' || c.function === 'substring') return { kind: 'string' };
        if (BOOL_FUNCS.has(c.function)) return { kind: 'bool' };
        if (c.function === '_?_:_') return ats[1] && ats[2] && ats[1].kind === ats[2].kind && ats[1].kind !== 'schema' ? ats[1] : DYN;
        if ((c.function === '_+_' || c.function === '_-_' || c.function === '_*_' || c.function === '_/_' || c.function === '_%_') && ats[0] && ats[1] && ats[0].kind === ats[1].kind && ['int', 'double', 'string'].includes(ats[0].kind)) return ats[0];
        void tt;
        return DYN;
      }
      case 'listExpr': {
        const el = k.value.elements.map((x) => this.check(x, scope));
        return { kind: 'list', elem: el.length && el.every((x) => x.kind === el[0]!.kind) ? el[0] : DYN };
      }
      case 'structExpr':
        for (const en of k.value.entries) {
          if (en.keyKind.case === 'mapKey') this.check(en.keyKind.value, scope);
          if (en.value) this.check(en.value, scope);
        }
        return { kind: 'map', elem: DYN };
      case 'comprehensionExpr': {
        const c = k.value;
        const rt = c.iterRange ? this.check(c.iterRange, scope) : DYN;
        const inner = new Map(scope);
        const iterT = rt.kind === 'list' ? (rt.elem ?? DYN) : rt.kind === 'map' || rt.kind === 'schema' ? { kind: 'string' as const } : DYN;
        if (c.iterVar2) {
          inner.set(c.iterVar, rt.kind === 'list' ? { kind: 'int' } : { kind: 'string' });
          inner.set(c.iterVar2, rt.kind === 'list' || rt.kind === 'map' ? (rt.elem ?? DYN) : DYN);
        } else inner.set(c.iterVar, iterT);
        const at = c.accuInit ? this.check(c.accuInit, scope) : DYN;
        inner.set(c.accuVar, at.kind === 'bool' ? at : DYN);
        if (c.loopCondition) this.check(c.loopCondition, inner);
        const st = c.loopStep ? this.check(c.loopStep, inner) : DYN;
        inner.set(c.accuVar, st.kind === 'list' ? st : at);
        return c.result ? this.check(c.result, inner) : DYN;
      }
      default:
        return DYN;
    }
  }

  private selectField(t: TypeInfo, f: string, e: Expr): TypeInfo {
    if (t.kind === 'meta') {
      if (f === 'name' || f === 'generateName') return { kind: 'string' };
      this.issues.push({ offset: this.pos(e), message: `undefined field '${f}'` });
      return DYN;
    }
    if (t.kind === 'map') return t.elem ?? DYN;
    if (t.kind !== 'schema' || !t.schema) {
      if (t.kind === 'dyn' || t.kind === 'type') return DYN;
      this.issues.push({ offset: this.pos(e), message: `type '${celTypeName(t)}' does not support field selection` });
      return DYN;
    }
    const s = t.schema;
    if (s.properties) {
      for (const [name, p] of s.properties) {
        if (escapeName(name) === f) return typeOfSchema(p);
      }
    }
    if (t.root) {
      if (f === 'apiVersion' || f === 'kind') return { kind: 'string' };
      if (f === 'metadata') return { kind: 'meta' };
    }
    if (s.xPreserveUnknownFields || (s.additionalProperties && s.additionalProperties !== true)) return DYN;
    this.issues.push({ offset: this.pos(e), message: `undefined field '${f}'` });
    return DYN;
  }
}

function celTypeName(t: TypeInfo): string {
  switch (t.kind) {
    case 'list':
      return `list(${t.elem ? celTypeName(t.elem) : 'dyn'})`;
    case 'map':
      return `map(string, ${t.elem ? celTypeName(t.elem) : 'dyn'})`;
    case 'timestamp':
      return 'google.protobuf.Timestamp';
    case 'duration':
      return 'google.protobuf.Duration';
    case 'null':
      return 'null_type';
    default:
      return t.kind;
  }
}

/** cel-go's issues.String(): `ERROR: <input>:L:C: msg\n | source\n | ...^`. */
function formatIssue(src: string, offset: number, message: string): string {
  const cps = [...src];
  let line = 1;
  let col = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < cps.length; i++) {
    if (cps[i] === '\n') {
      line++;
      col = 0;
      lineStart = i + 1;
    } else col++;
  }
  let end = cps.indexOf('\n', lineStart);
  if (end < 0) end = cps.length;
  const text = cps.slice(lineStart, end).join('');
  return `ERROR: <input>:${line}:${col + 1}: ${message}\n | ${text}\n | ${'.'.repeat(col)}^`;
}

// ------------------------------------------------------------------------------- static cost


function maxListSize(s: StructuralSchema | undefined): number {
  if (s?.maxItems !== undefined) return s.maxItems;
  // unbounded: the smallest serialized item + a comma fits this many times into a request
  const item = s?.items;
  const min = item?.type === 'string' ? 2 : item?.type === 'object' || item?.type === 'array' ? 2 : 1;
  return Math.floor(MAX_REQUEST_SIZE_BYTES / (min + 1));
}
function maxStringSize(s: StructuralSchema | undefined): number {
  if (s?.maxLength !== undefined) return s.maxLength * 4;
  return MAX_REQUEST_SIZE_BYTES - 2;
}
function maxMapSize(s: StructuralSchema | undefined): number {
  if (s?.maxProperties !== undefined) return s.maxProperties;
  return Math.floor(MAX_REQUEST_SIZE_BYTES / 5);
}

class Estimator {
  constructor(private readonly vars: Map<string, StructuralSchema | undefined>) {}

  schemaOf(e: Expr, scope: Map<string, StructuralSchema | undefined>): StructuralSchema | undefined {
    const k = e.exprKind;
    if (k.case === 'identExpr') return scope.has(k.value.name) ? scope.get(k.value.name) : this.vars.get(k.value.name);
    if (k.case === 'selectExpr' && k.value.operand && !k.value.testOnly) {
      const s = this.schemaOf(k.value.operand, scope);
      if (!s) return undefined;
      for (const [n, p] of s.properties ?? []) if (escapeName(n) === k.value.field) return p;
      if (s.additionalProperties && s.additionalProperties !== true) return s.additionalProperties;
      return undefined;
    }
    if (k.case === 'callExpr' && k.value.function === '_[_]' && k.value.args[0]) {
      const s = this.schemaOf(k.value.args[0], scope);
      if (s?.type === 'array') return s.items;
      if (s?.additionalProperties && s.additionalProperties !== true) return s.additionalProperties;
    }
    return undefined;
  }

  sizeOf(e: Expr, scope: Map<string, StructuralSchema | undefined>): number {
    const s = this.schemaOf(e, scope);
    if (!s) {
      const k = e.exprKind;
      if (k.case === 'constExpr' && k.value.constantKind.case === 'stringValue') return k.value.constantKind.value.length;
      if (k.case === 'listExpr') return k.value.elements.length;
      return 1;
    }
    if (s.type === 'array') return maxListSize(s);
    if (s.type === 'string') return maxStringSize(s);
    if (s.type === 'object') return maxMapSize(s);
    return 1;
  }

  cost(e: Expr, scope: Map<string, StructuralSchema | undefined>): number {
    const k = e.exprKind;
    switch (k.case) {
      case 'callExpr': {
        const c = k.value;
        let total = 1;
        if (c.target) total += this.cost(c.target, scope);
        for (const a of c.args) total += this.cost(a, scope);
        if (TRAVERSING.has(c.function)) {
          const sizes = [c.target, ...c.args].filter((x): x is Expr => !!x).map((x) => this.sizeOf(x, scope));
          if (c.function === 'matches' || c.function === 'contains' || c.function === 'find' || c.function === 'findAll') total += Math.ceil((sizes[0] ?? 1) * (sizes[1] ?? 1) * 0.1);
          else total += Math.ceil(sizes.reduce((x, y) => x + y, 0) * 0.1);
        }
        return total;
      }
      case 'selectExpr':
        return 1 + (k.value.operand ? this.cost(k.value.operand, scope) : 0);
      case 'listExpr':
        return 10 + k.value.elements.reduce((x, el) => x + this.cost(el, scope), 0);
      case 'structExpr':
        return 30 + k.value.entries.reduce((x, en) => x + (en.value ? this.cost(en.value, scope) : 0) + (en.keyKind.case === 'mapKey' ? this.cost(en.keyKind.value, scope) : 0), 0);
      case 'comprehensionExpr': {
        const c = k.value;
        const range = c.iterRange;
        const rs = range ? this.schemaOf(range, scope) : undefined;
        const n = range ? (rs ? (rs.type === 'array' ? maxListSize(rs) : maxMapSize(rs)) : range.exprKind.case === 'listExpr' ? range.exprKind.value.elements.length : 1) : 1;
        const inner = new Map(scope);
        inner.set(c.iterVar, rs?.type === 'array' ? rs.items : rs?.additionalProperties && rs.additionalProperties !== true ? undefined : undefined);
        if (c.iterVar2) inner.set(c.iterVar2, rs?.type === 'array' ? rs.items : undefined);
        inner.set(c.accuVar, undefined);
        const per = (c.loopCondition ? this.cost(c.loopCondition, inner) : 0) + (c.loopStep ? this.cost(c.loopStep, inner) : 0);
        return (range ? this.cost(range, scope) : 0) + (c.accuInit ? this.cost(c.accuInit, scope) : 0) + n * per + (c.result ? this.cost(c.result, inner) : 0);
      }
      default:
        return 1;
    }
  }
}

/** Go's getCostErrorMessage. */
export function costErrorMessage(costName: string, cost: number, limit: number): string {
  const f = cost / limit;
  const factor = f > 100 ? 'more than 100x' : f < 1.5 ? `${f.toFixed(6)}x` : `${f.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${factor} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

// ------------------------------------------------------------------------------- compilation

export interface CompiledRule {
  rule: ValidationRule;
  program?: Program;
  messageProgram?: Program;
  usesOldSelf: boolean;
  error?: { type: 'invalid' | 'required' | 'internal'; detail: string };
  messageError?: { type: 'invalid' | 'required' | 'internal'; detail: string };
  /** Static cost estimate of one evaluation. */
  maxCost: number;
  messageMaxCost: number;
}

interface CompileOutcome {
  program?: Program;
  usesOldSelf: boolean;
  error?: string;
  type?: TypeInfo;
  cost: number;
}

function compileExpression(src: string, s: StructuralSchema, isRoot: boolean, allowOldSelf: boolean): CompileOutcome {
  let parsed: ParsedExpr;
  try {
    parsed = parse(src);
  } catch (err) {
    const e = err as { message?: string; rawMessage?: string; location?: { start?: { offset?: number } } };
    const offset = e.location?.start?.offset ?? 0;
    const msg = `Syntax error: ${e.rawMessage ?? e.message ?? String(err)}`;
    return { usesOldSelf: false, error: formatIssue(src, offset, msg), cost: 0 };
  }
  if (!parsed.expr) return { usesOldSelf: false, error: formatIssue(src, 0, 'Syntax error: empty expression'), cost: 0 };
  const selfT = typeOfSchema(s, isRoot);
  const vars = new Map<string, TypeInfo>([['self', selfT]]);
  if (allowOldSelf) vars.set('oldSelf', selfT);
  const checker = new Checker(parsed.sourceInfo?.positions ?? {}, vars);
  const t = checker.check(parsed.expr, new Map());
  if (checker.issues.length) {
    checker.issues.sort((a, b) => a.offset - b.offset);
    return { usesOldSelf: checker.usesOldSelf, error: checker.issues.map((i) => formatIssue(src, i.offset, i.message)).join('\n'), cost: 0 };
  }
  const est = new Estimator(new Map<string, StructuralSchema | undefined>([['self', s], ['oldSelf', s]]));
  const cost = est.cost(parsed.expr, new Map());
  const instrumented = instrument(parsed.expr);
  let program: Program;
  try {
    program = plan(env(), instrumented) as Program;
  } catch (err) {
    return { usesOldSelf: checker.usesOldSelf, error: `program instantiation failed: ${(err as Error).message}`, cost };
  }
  return { program, usesOldSelf: checker.usesOldSelf, type: t, cost };
}

/** Compiles the x-kubernetes-validations of one schema node (cached on the node). */
export function compileRules(s: StructuralSchema, isResourceRoot = false): CompiledRule[] {
  const cached = s.cache.cel as { root: boolean; rules: CompiledRule[] } | undefined;
  if (cached && cached.root === isResourceRoot) return cached.rules;
  const rules = (s.xValidations ?? []).map((rule) => compileRule(rule, s, isResourceRoot));
  s.cache.cel = { root: isResourceRoot, rules };
  return rules;
}

function compileRule(rule: ValidationRule, s: StructuralSchema, isRoot: boolean): CompiledRule {
  const out: CompiledRule = { rule, usesOldSelf: false, maxCost: 0, messageMaxCost: 0 };
  if (!rule.rule.trim()) return out;
  const r = compileExpression(rule.rule, s, isRoot, true);
  out.usesOldSelf = r.usesOldSelf;
  out.maxCost = r.cost;
  if (r.error) {
    out.error = { type: 'invalid', detail: r.error.startsWith('program instantiation') ? r.error : `compilation failed: ${r.error}` };
  } else if (r.type && r.type.kind !== 'bool' && r.type.kind !== 'dyn') {
    out.error = { type: 'invalid', detail: 'cel expression must evaluate to a bool' };
  } else {
    out.program = r.program;
  }
  if (rule.messageExpression && rule.messageExpression.trim()) {
    const m = compileExpression(rule.messageExpression, s, isRoot, true);
    out.messageMaxCost = m.cost;
    if (m.error) out.messageError = { type: 'invalid', detail: `messageExpression compilation failed: ${m.error}` };
    else if (m.type && m.type.kind !== 'string' && m.type.kind !== 'dyn') out.messageError = { type: 'invalid', detail: 'messageExpression must evaluate to a string' };
    else out.messageProgram = m.program;
  }
  if (rule.optionalOldSelf && !out.usesOldSelf && !out.error) {
    // reported by CRD validation (optionalOldSelf "may not be set if oldSelf is not used in rule")
  }
  return out;
}

// ------------------------------------------------------------------------------- evaluation

function ruleErrorString(rule: ValidationRule): string {
  if (rule.message && rule.message.length > 0) return rule.message.trim();
  return rule.rule.trim();
}
function ruleMessageOrDefault(rule: ValidationRule): string {
  if (!rule.message) return `failed rule: ${ruleErrorString(rule)}`;
  return rule.message.trim();
}

function fieldErrorForReason(path: string, type: string, detail: string, reason: string | undefined): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return fieldErr.forbidden(path, detail);
    case 'FieldValueRequired':
      return fieldErr.required(path, detail);
    case 'FieldValueDuplicate':
      return fieldErr.duplicate(path, type);
    default:
      return fieldErr.invalid(path, type, detail);
  }
}

/** Normalizes a rule's fieldPath (`.spec.foo`, `['a.b']`, `[0]`) into the field.Path child suffix. */
function normalizeFieldPath(fp: string): string {
  let out = '';
  const re = /\.([a-zA-Z_][a-zA-Z0-9_-]*)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[(\d+)\]/y;
  let m: RegExpExecArray | null;
  let i = 0;
  const src = fp.trim();
  re.lastIndex = 0;
  while (i < src.length && (m = re.exec(src))) {
    if (m[1] !== undefined) out = out ? `${out}.${m[1]}` : m[1];
    else if (m[2] !== undefined) {
      const k = m[2].replace(/\\(.)/g, '$1');
      out = /^[a-zA-Z_][a-zA-Z0-9_-]*$/.test(k) ? (out ? `${out}.${k}` : k) : `${out}[${k}]`;
    } else if (m[3] !== undefined) out = `${out}[${m[3]}]`;
    i = re.lastIndex;
  }
  return out;
}

interface EvalState {
  budget: number;
  perCallLimit: number;
  stop: boolean;
}

function mapIsCorrelatable(t: string | undefined): boolean {
  return t === undefined || t === 'granular' || t === 'atomic';
}

function schemaTypeName(s: StructuralSchema): string {
  return s.type ?? '';
}

function evalProgram(p: Program, ctx: Record<string, CelInput>, st: EvalState): { result?: unknown; error?: string; cost: number; exceeded: boolean } {
  tracker.cost = 0;
  tracker.exceeded = false;
  tracker.limit = Math.min(st.perCallLimit, st.budget);
  let r: CelResult;
  try {
    r = p(ctx);
  } catch (err) {
    return { error: (err as Error).message, cost: tracker.cost, exceeded: tracker.exceeded };
  }
  const cost = tracker.cost;
  const exceeded = tracker.exceeded;
  tracker.limit = Infinity;
  if (exceeded) return { error: COST_EXCEEDED, cost, exceeded };
  if (isCelError(r)) return { error: celErrorText(r.message), cost, exceeded };
  return { result: r, cost, exceeded };
}

function celErrorText(msg: string): string {
  const m = /^field not found: (.*)$/.exec(msg);
  if (m) return `no such key: ${m[1]}`;
  if (/^index (-?\d+) out of bounds/.test(msg)) return msg.replace(/^index (-?\d+) out of bounds.*$/, 'index out of bounds: $1');
  if (/^(unbound function|no matching overload|no such overload)/.test(msg)) return `no such overload`;
  if (msg === 'int divide by zero') return 'division by zero';
  return msg;
}

function validateNode(v: unknown, old: unknown, s: StructuralSchema, path: string, isRoot: boolean, st: EvalState, errs: FieldError[]): void {
  if (st.stop || v === null || v === undefined) return;
  if (s.xValidations && s.xValidations.length) evalRules(v, old, s, path, isRoot, st, errs);
  if (st.stop) return;
  for (const sub of s.allOf ?? []) {
    if (sub.xValidations) evalRules(v, old, { ...sub, type: s.type, properties: s.properties, items: s.items, additionalProperties: s.additionalProperties, cache: sub.cache }, path, isRoot, st, errs);
    if (st.stop) return;
  }
  if (Array.isArray(v)) {
    if (!s.items) return;
    const oldArr = Array.isArray(old) ? old : undefined;
    const keys = s.xListType === 'map' ? (s.xListMapKeys ?? []) : undefined;
    const keyOf = (x: unknown): string | undefined => (keys && isPlainObject(x) ? JSON.stringify(keys.map((k) => x[k] ?? null)) : undefined);
    const oldByKey = new Map<string, unknown>();
    if (keys && oldArr) for (const o of oldArr) { const k = keyOf(o); if (k !== undefined && !oldByKey.has(k)) oldByKey.set(k, o); }
    v.forEach((x, i) => {
      const k = keyOf(x);
      validateNode(x, k !== undefined ? oldByKey.get(k) : undefined, s.items!, indexPath(path, i), !!s.items!.xEmbeddedResource, st, errs);
    });
  } else if (isPlainObject(v)) {
    const oldObj = isPlainObject(old) && mapIsCorrelatable(s.xMapType) ? old : undefined;
    if (s.additionalProperties && s.additionalProperties !== true) {
      for (const [k, x] of Object.entries(v)) {
        if (s.properties?.has(k)) continue;
        validateNode(x, oldObj?.[k], s.additionalProperties, keyPath(path, k), !!s.additionalProperties.xEmbeddedResource, st, errs);
        if (st.stop) return;
      }
    }
    if (s.properties) {
      for (const [k, x] of Object.entries(v)) {
        const p = s.properties.get(k);
        if (!p) continue;
        validateNode(x, oldObj?.[k], p, childPath(path, k), !!p.xEmbeddedResource, st, errs);
        if (st.stop) return;
      }
    }
  }
}

function evalRules(v: unknown, old: unknown, s: StructuralSchema, path: string, isRoot: boolean, st: EvalState, errs: FieldError[]): void {
  const compiled = compileRules(s, isRoot);
  if (!compiled.length) return;
  const type = schemaTypeName(s);
  if (st.budget <= 0) {
    errs.push(fieldErr.invalid(path, type, 'validation failed due to running out of cost budget, no further validation rules will be run'));
    st.stop = true;
    return;
  }
  const self = toCelValue(v, s, isRoot);
  const oldSelf = old === undefined || old === null ? undefined : toCelValue(old, s, isRoot);
  for (const c of compiled) {
    const rule = c.rule;
    if (c.error) {
      errs.push(fieldErr.invalid(path, type, `rule compile error: ${c.error.detail}`));
      continue;
    }
    if (!c.program) continue;
    if (c.usesOldSelf && oldSelf === undefined && !rule.optionalOldSelf) continue;
    const ctx: Record<string, CelInput> = { self };
    if (rule.optionalOldSelf) ctx.oldSelf = (oldSelf === undefined ? optionalNone() : optionalOf(oldSelf)) as unknown as CelInput;
    else if (oldSelf !== undefined) ctx.oldSelf = oldSelf;
    const r = evalProgram(c.program, ctx, st);
    if (r.cost > st.budget && !(r.cost > st.perCallLimit)) {
      errs.push(fieldErr.invalid(path, type, 'validation failed due to running out of cost budget, no further validation rules will be run'));
      st.stop = true;
      return;
    }
    st.budget -= r.cost;
    if (r.error !== undefined) {
      if (r.error === COST_EXCEEDED) {
        errs.push(fieldErr.invalid(path, type, `'${COST_EXCEEDED}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(rule)}`));
        st.stop = true;
        return;
      }
      if (r.error.startsWith('no such overload')) {
        errs.push(fieldErr.invalid(path, type, `'${r.error}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`));
      } else {
        errs.push(fieldErr.invalid(path, type, `${r.error} evaluating rule: ${ruleErrorString(rule)}`));
      }
      continue;
    }
    if (r.result === true) continue;
    const fp = rule.fieldPath ? normalizeFieldPath(rule.fieldPath) : '';
    const current = fp ? (fp.startsWith('[') ? `${path}${fp}` : childPath(path, fp)) : path;
    if (c.messageProgram) {
      const m = evalProgram(c.messageProgram, ctx, st);
      if (m.error === COST_EXCEEDED) {
        errs.push(fieldErr.invalid(current, type, `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${JSON.stringify(rule.messageExpression)}`));
        st.stop = true;
        return;
      }
      st.budget -= m.cost;
      if (m.error === undefined && typeof m.result === 'string' && m.result.trim() && !/[\r\n]/.test(m.result) && m.result.length <= 5120) {
        errs.push(fieldErrorForReason(current, type, m.result, rule.reason));
        continue;
      }
    }
    errs.push(fieldErrorForReason(current, type, ruleMessageOrDefault(rule), rule.reason));
  }
}

/**
 * Evaluates x-kubernetes-validations rules on `obj` (the whole custom resource) with self/oldSelf.
 * Transition rules (using oldSelf) only run when a correlated old value exists, unless optionalOldSelf is set.
 */
export function validateCEL(obj: unknown, old: unknown | undefined, s: StructuralSchema, opts?: { perCallLimit?: number; budget?: number; path?: string; isResourceRoot?: boolean }): FieldError[] {
  const errs: FieldError[] = [];
  const st: EvalState = { budget: opts?.budget ?? RUNTIME_CEL_COST_BUDGET, perCallLimit: opts?.perCallLimit ?? PER_CALL_LIMIT, stop: false };
  validateNode(obj, old, s, opts?.path ?? '', opts?.isResourceRoot ?? true, st, errs);
  return errs;
}

// ------------------------------------------------------------------------------- CRD-time checks

export interface RuleCompileReport {
  index: number;
  error?: { type: 'invalid' | 'required' | 'internal'; detail: string };
  messageError?: { type: 'invalid' | 'required' | 'internal'; detail: string };
  usesOldSelf: boolean;
  maxCost: number;
  messageMaxCost: number;
}

/** Compiles a node's rules for CRD validation; `cardinality` multiplies the per-evaluation cost. */
export function compileForCRD(s: StructuralSchema, isRoot: boolean): RuleCompileReport[] {
  return compileRules(s, isRoot).map((c, index) => ({ index, error: c.error, messageError: c.messageError, usesOldSelf: c.usesOldSelf, maxCost: c.maxCost, messageMaxCost: c.messageMaxCost }));
}

export { maxListSize, maxMapSize };
