// Label selectors, with the grammar, validation and error texts of kube-apiserver 1.32
// (k8s.io/apimachinery v0.32: pkg/labels/selector.go, pkg/util/validation, pkg/apis/meta/v1/helpers.go
// LabelSelectorAsSelector, pkg/apis/meta/v1/validation ValidateLabelSelector).
//
// The list handler (apiserver pkg/endpoints/handlers/get.go ListResource) decodes the query with
// metainternalversionscheme.ParameterCodec; the labelSelector string goes through
// metav1.Convert_string_To_labels_Selector -> labels.Parse, whose error is returned unwrapped and
// answered as errors.NewBadRequest(err.Error()): HTTP 400, reason BadRequest, message = the parse error.
import { StatusError, badRequest } from '../../api/errors.js';
import type { FieldError } from '../../api/field-errors.js';

export interface LabelSelector {
  matches(labels: Record<string, string> | undefined): boolean;
  empty(): boolean;
  toString(): string;
  /** The requirements (sorted by key, as kube keeps them). Empty for everything() and nothing(). */
  requirements(): LabelRequirement[];
  /** labels.Selector.RequiresExactMatch: the single value the selector demands for a label, if any. */
  requiresExactMatch(label: string): string | undefined;
  /** true for the selector that matches nothing (a nil meta/v1 LabelSelector). */
  matchesNothing(): boolean;
}

/** selection.Operator values. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

// ---------------------------------------------------------------------------------------------
// Small Go-compatibility helpers (also used by fields.ts)

/** Go's strconv.Quote / %q for a string (close enough for every printable and control character). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case '"':
        out += '\\"';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if ((c >= 0x80 && c <= 0xa0) || c === 0xad || c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0xd800 && c <= 0xdfff))
      out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Go string ordering (bytewise UTF-8), which differs from JS code-unit order only above the BMP. */
export function goStringLess(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Go's %#v of a []string (nil prints as []string(nil)). */
function goStringSlice(v: string[] | null): string {
  if (v === null) return '[]string(nil)';
  return `[]string{${v.map(goQuote).join(', ')}}`;
}

/** A field.Error rendered as Error() does: "<field>: Invalid value: <value>: <detail>". */
function invalidText(field: string, renderedValue: string, detail: string): string {
  return `${field}: Invalid value: ${renderedValue}${detail ? `: ${detail}` : ''}`;
}

/** utilerrors.NewAggregate(errs).Error(): one message as is, several de-duplicated inside [...]. */
function aggregate(msgs: string[]): string {
  if (msgs.length === 1) return msgs[0]!;
  const seen = [...new Set(msgs)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------
// k8s.io/apimachinery/pkg/util/validation (v0.32)

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);
const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = msg + ' (e.g. ';
  examples.forEach((e, i) => {
    if (i > 0) s += ' or ';
    s += `'${e}', `;
  });
  return s + `regex used for validation is '${fmt}')`;
}
const maxLenError = (n: number): string => `must be no more than ${n} characters`;
const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');

function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(v)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

/** validation.IsQualifiedName: the rule for label keys. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of isDNS1123Subdomain(prefix)) errs.push('prefix part ' + m);
  } else {
    return [
      'a qualified name ' +
        regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc') +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLen(name) > 63) errs.push('name part ' + maxLenError(63));
  if (!qualifiedNameRe.test(name)) errs.push('name part ' + regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc'));
  return errs;
}

/** validation.IsValidLabelValue. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Requirements and selectors (pkg/labels/selector.go)

/** Go strconv.ParseInt(s, 10, 64). */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return undefined;
  return v;
}

/** labels.NewRequirement without a path option (field paths "key", "values", "values[i][key]"). */
function newRequirement(key: string, op: LabelOperator, vals: string[] | null, path = ''): LabelRequirement {
  const errs: string[] = [];
  const child = (n: string): string => (path ? `${path}.${n}` : n);
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(invalidText(child('key'), goQuote(key), keyErrs.join('; ')));
  const valuePath = child('values');
  const n = vals === null ? 0 : vals.length;
  switch (op) {
    case 'in':
    case 'notin':
      if (n === 0) errs.push(invalidText(valuePath, goStringSlice(vals), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (n !== 1) errs.push(invalidText(valuePath, goStringSlice(vals), 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (n !== 0) errs.push(invalidText(valuePath, goStringSlice(vals), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (n !== 1) errs.push(invalidText(valuePath, goStringSlice(vals), "for 'Gt', 'Lt' operators, exactly one value is required"));
      (vals ?? []).forEach((v, i) => {
        if (parseInt64(v) === undefined)
          errs.push(invalidText(`${valuePath}[${i}]`, goQuote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  (vals ?? []).forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(invalidText(`${valuePath}[${i}][${key}]`, goQuote(v), ve.join('; ')));
  });
  if (errs.length) throw new SelectorError(aggregate(errs));
  return { key, operator: op, values: vals ?? [] };
}

class SelectorError extends Error {}

function requirementMatches(r: LabelRequirement, ls: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(ls, r.key);
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(ls[r.key]!);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(ls[r.key]!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has) return false;
      const lv = parseInt64(ls[r.key]!);
      if (lv === undefined || r.values.length !== 1) return false;
      const rv = parseInt64(r.values[0]!);
      if (rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

function sortedValues(vs: string[]): string[] {
  return [...vs].sort(goStringLess);
}

/** Requirement.String(). */
export function requirementToString(r: LabelRequirement): string {
  let s = r.operator === '!' ? '!' : '';
  s += r.key;
  switch (r.operator) {
    case '=':
      s += '=';
      break;
    case '==':
      s += '==';
      break;
    case '!=':
      s += '!=';
      break;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
    case 'exists':
    case '!':
      return s;
  }
  const setBased = r.operator === 'in' || r.operator === 'notin';
  if (setBased) s += '(';
  s += r.values.length === 1 ? r.values[0]! : sortedValues(r.values).join(',');
  if (setBased) s += ')';
  return s;
}

/** sort.Sort(ByKey(...)); Go's sort is stable for the small lists selectors have, so stable here. */
function byKey(reqs: LabelRequirement[]): LabelRequirement[] {
  return [...reqs].sort((a, b) => goStringLess(a.key, b.key));
}

class InternalSelector implements LabelSelector {
  private readonly reqs: LabelRequirement[];
  constructor(reqs: LabelRequirement[]) {
    this.reqs = byKey(reqs);
  }
  matches(labels: Record<string, string> | undefined): boolean {
    const ls = labels ?? {};
    return this.reqs.every((r) => requirementMatches(r, ls));
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  toString(): string {
    return this.reqs.map(requirementToString).join(',');
  }
  requirements(): LabelRequirement[] {
    return this.reqs.map((r) => ({ key: r.key, operator: r.operator, values: [...r.values] }));
  }
  requiresExactMatch(label: string): string | undefined {
    for (const r of this.reqs) {
      if (r.key !== label) continue;
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
      return undefined;
    }
    return undefined;
  }
  matchesNothing(): boolean {
    return false;
  }
}

const nothingSelector: LabelSelector = {
  matches: () => false,
  empty: () => false,
  toString: () => '',
  requirements: () => [],
  requiresExactMatch: () => undefined,
  matchesNothing: () => true,
};

/** labels.Everything(). */
export function everything(): LabelSelector {
  return new InternalSelector([]);
}

/** labels.Nothing(): what a nil meta/v1 LabelSelector converts to. */
export function nothing(): LabelSelector {
  return nothingSelector;
}

/** labels.SelectorFromSet: equality requirements for every entry (no validation, like kube). */
export function selectorFromSet(set: Record<string, string> | undefined): LabelSelector {
  return new InternalSelector(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

/** Canonical string form of a selector (internalSelector.String: requirements sorted by key). */
export function selectorToString(sel: LabelSelector): string {
  return sel.toString();
}

// ---------------------------------------------------------------------------------------------
// The parser (Lexer / Parser of pkg/labels/selector.go, v0.32 behaviour)

const enum Tok {
  Error,
  EOS,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const string2token: Record<string, Tok> = {
  ')': Tok.ClosedPar,
  ',': Tok.Comma,
  '!': Tok.DoesNotExist,
  '==': Tok.DoubleEquals,
  '=': Tok.Equals,
  '>': Tok.GreaterThan,
  in: Tok.In,
  '<': Tok.LessThan,
  '!=': Tok.NotEquals,
  notin: Tok.NotIn,
  '(': Tok.OpenPar,
};
const tokenOf = (s: string): Tok | undefined => (Object.prototype.hasOwnProperty.call(string2token, s) ? string2token[s] : undefined);

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string): boolean => '=!(),><'.includes(ch) && ch.length === 1;

interface Item {
  tok: Tok;
  lit: string;
}

class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}
  /** Go's read(): "\0" at the end (a NUL in the input also reads as the end). */
  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++]!;
    return '\0';
  }
  private unread(): void {
    this.pos--;
  }
  private scanIDOrKeyword(): Item {
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buf += ch;
    }
    const t = tokenOf(buf);
    return t !== undefined ? { tok: t, lit: buf } : { tok: Tok.Identifier, lit: buf };
  }
  private scanSpecialSymbol(): Item {
    let last: Item | undefined;
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (isSpecialSymbol(ch)) {
        buf += ch;
        const t = tokenOf(buf);
        if (t !== undefined) last = { tok: t, lit: buf };
        else if (last) {
          this.unread();
          break;
        }
      } else {
        this.unread();
        break;
      }
    }
    if (!last) return { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` };
    return last;
  }
  lex(): Item {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === '\0') return { tok: Tok.EOS, lit: '' };
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIDOrKeyword();
  }
}

const enum Ctx {
  KeyAndOperator,
  Values,
}

const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

class Parser {
  private items: Item[] = [];
  private position = 0;
  constructor(private readonly lexer: Lexer) {}

  private lookahead(ctx: Ctx): Item {
    const it = this.items[this.position]!;
    if (ctx === Ctx.Values && (it.tok === Tok.In || it.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: it.lit };
    return it;
  }
  private consume(ctx: Ctx): Item {
    this.position++;
    const it = this.items[this.position - 1]!;
    if (ctx === Ctx.Values && (it.tok === Tok.In || it.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: it.lit };
    return it;
  }
  private scan(): void {
    for (;;) {
      const it = this.lexer.lex();
      this.items.push(it);
      if (it.tok === Tok.EOS) break;
    }
  }

  parse(): LabelRequirement[] {
    this.scan();
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Ctx.Values);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: LabelRequirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
            throw e;
          }
          reqs.push(r);
          const t = this.consume(Ctx.Values);
          switch (t.tok) {
            case Tok.EOS:
              return reqs;
            case Tok.Comma: {
              const t2 = this.lookahead(Ctx.Values);
              if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist)
                throw new SelectorError(`found '${t2.lit}', expected: identifier after ','`);
              break;
            }
            default:
              throw new SelectorError(`found '${t.lit}', expected: ',' or 'end of string'`);
          }
          break;
        }
        case Tok.EOS:
          return reqs;
        default:
          throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return newRequirement(key, inferred, []);
    const op = this.parseOperator();
    let values: string[];
    if (op === 'in' || op === 'notin') values = this.parseValues();
    else values = this.parseExactValue();
    // sets.String.List(): sorted, de-duplicated
    return newRequirement(key, op, [...new Set(values)].sort(goStringLess));
  }

  private parseKeyAndInferOperator(): [string, LabelOperator | ''] {
    let op: LabelOperator | '' = '';
    let it = this.consume(Ctx.Values);
    if (it.tok === Tok.DoesNotExist) {
      op = '!';
      it = this.consume(Ctx.Values);
    }
    if (it.tok !== Tok.Identifier) throw new SelectorError(`found '${it.lit}', expected: identifier`);
    const keyErrs = isQualifiedName(it.lit);
    // validateLabelKey(literal, p.path) with the parser's nil path: the field prints as "<nil>"
    if (keyErrs.length) throw new SelectorError(invalidText('<nil>', goQuote(it.lit), keyErrs.join('; ')));
    const t = this.lookahead(Ctx.Values).tok;
    if ((t === Tok.EOS || t === Tok.Comma) && op !== '!') op = 'exists';
    return [it.lit, op];
  }

  private parseOperator(): LabelOperator {
    const it = this.consume(Ctx.KeyAndOperator);
    switch (it.tok) {
      case Tok.In:
        return 'in';
      case Tok.Equals:
        return '=';
      case Tok.DoubleEquals:
        return '==';
      case Tok.GreaterThan:
        return 'gt';
      case Tok.LessThan:
        return 'lt';
      case Tok.NotIn:
        return 'notin';
      case Tok.NotEquals:
        return '!=';
      default:
        throw new SelectorError(`found '${it.lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private parseValues(): string[] {
    let it = this.consume(Ctx.Values);
    if (it.tok !== Tok.OpenPar) throw new SelectorError(`found '${it.lit}' expected: '('`);
    it = this.lookahead(Ctx.Values);
    switch (it.tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        if (this.consume(Ctx.Values).tok !== Tok.ClosedPar) throw new SelectorError(`found '${it.lit}', expected: ')'`);
        return s;
      }
      case Tok.ClosedPar:
        this.consume(Ctx.Values);
        return [''];
      default:
        throw new SelectorError(`found '${it.lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): string[] {
    const s = new Set<string>();
    for (;;) {
      const it = this.consume(Ctx.Values);
      switch (it.tok) {
        case Tok.Identifier: {
          s.add(it.lit);
          const t2 = this.lookahead(Ctx.Values);
          if (t2.tok === Tok.Comma) continue;
          if (t2.tok === Tok.ClosedPar) return [...s];
          throw new SelectorError(`found '${t2.lit}', expected: ',' or ')'`);
        }
        case Tok.Comma: {
          if (s.size === 0) s.add('');
          const t2 = this.lookahead(Ctx.Values);
          if (t2.tok === Tok.ClosedPar) {
            s.add('');
            return [...s];
          }
          if (t2.tok === Tok.Comma) {
            // v0.32 consumes the second comma here (fixed in later releases)
            this.consume(Ctx.Values);
            s.add('');
          }
          break;
        }
        default:
          throw new SelectorError(`found '${it.lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const t = this.lookahead(Ctx.Values).tok;
    if (t === Tok.EOS || t === Tok.Comma) return [''];
    const it = this.consume(Ctx.Values);
    if (it.tok === Tok.Identifier) return [it.lit];
    throw new SelectorError(`found '${it.lit}', expected: identifier`);
  }
}

/**
 * labels.Parse, as the apiserver applies it to the labelSelector query parameter. Errors are
 * 400 BadRequest Status errors carrying kube's exact parse error text.
 */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return new InternalSelector(new Parser(new Lexer(s)).parse());
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// meta/v1 LabelSelector objects

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeError(fieldPath: string | undefined, msg: string): StatusError {
  return badRequest(fieldPath ? `${fieldPath}: ${msg}` : msg);
}

/**
 * metav1.LabelSelectorAsSelector. null/undefined gives nothing() (a nil selector matches nothing);
 * an empty selector gives everything(). Semantic errors carry kube's text (e.g.
 * `"Foo" is not a valid label selector operator`, `key: Invalid value: "a b": name part ...`) and are
 * thrown as 400 BadRequest; callers that need another status can re-wrap err.message.
 * fieldPath only prefixes errors about the object's JSON shape (which kube reports while decoding).
 */
export function labelSelectorFromObject(sel: unknown, fieldPath?: string): LabelSelector {
  if (sel === null || sel === undefined) return nothing();
  if (!isRecord(sel)) throw typeError(fieldPath, 'label selector must be an object');
  const ml = sel['matchLabels'];
  const me = sel['matchExpressions'];
  if (ml !== undefined && ml !== null && !isRecord(ml)) throw typeError(fieldPath && `${fieldPath}.matchLabels`, 'must be a map of strings');
  if (me !== undefined && me !== null && !Array.isArray(me)) throw typeError(fieldPath && `${fieldPath}.matchExpressions`, 'must be a list');
  const labels = (ml ?? {}) as Record<string, unknown>;
  const exprs = (me ?? []) as unknown[];
  if (Object.keys(labels).length + exprs.length === 0) return everything();
  const reqs: LabelRequirement[] = [];
  try {
    // Go iterates the map in random order; sort so the first error reported is deterministic
    for (const k of Object.keys(labels).sort(goStringLess)) {
      const v = labels[k];
      if (typeof v !== 'string') throw typeError(fieldPath && `${fieldPath}.matchLabels`, `value of ${goQuote(k)} must be a string`);
      reqs.push(newRequirement(k, '=', [v]));
    }
    exprs.forEach((e, i) => {
      const p = fieldPath && `${fieldPath}.matchExpressions[${i}]`;
      if (!isRecord(e)) throw typeError(p, 'must be an object');
      const key = e['key'] ?? '';
      const operator = e['operator'] ?? '';
      const values = e['values'];
      if (typeof key !== 'string') throw typeError(p && `${p}.key`, 'must be a string');
      if (typeof operator !== 'string') throw typeError(p && `${p}.operator`, 'must be a string');
      if (values !== undefined && values !== null && !(Array.isArray(values) && values.every((x) => typeof x === 'string')))
        throw typeError(p && `${p}.values`, 'must be a list of strings');
      let op: LabelOperator;
      switch (operator) {
        case 'In':
          op = 'in';
          break;
        case 'NotIn':
          op = 'notin';
          break;
        case 'Exists':
          op = 'exists';
          break;
        case 'DoesNotExist':
          op = '!';
          break;
        default:
          throw new SelectorError(`${goQuote(operator)} is not a valid label selector operator`);
      }
      // append([]string(nil), expr.Values...) is nil when there are no values
      const vals = Array.isArray(values) && values.length > 0 ? [...(values as string[])] : null;
      reqs.push(newRequirement(key, op, vals));
    });
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
  return new InternalSelector(reqs);
}

/** The canonical selector string of a meta/v1 LabelSelector (e.g. a scale subresource's status.selector). */
export function labelSelectorObjectToString(sel: unknown): string {
  return labelSelectorFromObject(sel).toString();
}

/**
 * metav1validation.ValidateLabelSelector (default options): the field errors a create/update of an
 * object with a LabelSelector at fieldPath reports (e.g. "spec.selector").
 */
export function validateLabelSelector(
  sel: unknown,
  fieldPath: string,
  opts: { allowInvalidLabelValueInSelector?: boolean; allowUnknownOperatorInRequirement?: boolean } = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (!isRecord(sel)) return errs;
  const ml = sel['matchLabels'];
  if (isRecord(ml)) {
    const p = `${fieldPath}.matchLabels`;
    for (const k of Object.keys(ml).sort(goStringLess)) {
      for (const m of isQualifiedName(k)) errs.push({ type: 'FieldValueInvalid', field: p, badValue: k, detail: m });
      const v = ml[k];
      if (typeof v === 'string') for (const m of isValidLabelValue(v)) errs.push({ type: 'FieldValueInvalid', field: p, badValue: v, detail: m });
    }
  }
  const me = sel['matchExpressions'];
  if (Array.isArray(me)) {
    me.forEach((e, i) => {
      if (!isRecord(e)) return;
      const p = `${fieldPath}.matchExpressions[${i}]`;
      const values = Array.isArray(e['values']) ? (e['values'] as unknown[]) : [];
      const operator = typeof e['operator'] === 'string' ? e['operator'] : '';
      switch (operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0)
            errs.push({ type: 'FieldValueRequired', field: `${p}.values`, detail: "must be specified when `operator` is 'In' or 'NotIn'" });
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length > 0)
            errs.push({ type: 'FieldValueForbidden', field: `${p}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
          break;
        default:
          if (!opts.allowUnknownOperatorInRequirement)
            errs.push({ type: 'FieldValueInvalid', field: `${p}.operator`, badValue: operator, detail: 'not a valid selector operator' });
      }
      const key = typeof e['key'] === 'string' ? e['key'] : '';
      for (const m of isQualifiedName(key)) errs.push({ type: 'FieldValueInvalid', field: `${p}.key`, badValue: key, detail: m });
      if (!opts.allowInvalidLabelValueInSelector) {
        values.forEach((v, vi) => {
          if (typeof v !== 'string') return;
          for (const m of isValidLabelValue(v)) errs.push({ type: 'FieldValueInvalid', field: `${p}.values[${vi}]`, badValue: v, detail: m });
        });
      }
    });
  }
  return errs;
}
