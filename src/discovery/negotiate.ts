// Content negotiation for /api and /apis, following kube-apiserver 1.32:
// k8s.io/apiserver pkg/endpoints/discovery/aggregated/{wrapper,negotiation}.go and
// pkg/endpoints/handlers/negotiation/negotiate.go (with github.com/munnerz/goautoneg's ParseAccept).

/** What kubectl 1.32 (client-go discovery) sends on GET /api and GET /apis. */
export const DISCOVERY_ACCEPT_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const DISCOVERY_ACCEPT_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
/** Content-Type of an aggregated (apidiscovery.k8s.io/v2) JSON response. kubectl requires exactly this. */
export const CONTENT_TYPE_AGGREGATED_V2 = DISCOVERY_ACCEPT_V2;
export const CONTENT_TYPE_AGGREGATED_V2BETA1 = DISCOVERY_ACCEPT_V2BETA1;
export const CONTENT_TYPE_AGGREGATED_V2_PROTOBUF =
  'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const CONTENT_TYPE_AGGREGATED_V2BETA1_PROTOBUF =
  'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
export const CONTENT_TYPE_AGGREGATED_V2_YAML = 'application/yaml;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const CONTENT_TYPE_AGGREGATED_V2BETA1_YAML =
  'application/yaml;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

export type DiscoveryMediaType = 'application/json' | 'application/yaml' | 'application/vnd.kubernetes.protobuf';

export interface DiscoveryNegotiation {
  /** 'aggregated' → APIGroupDiscoveryList; 'legacy' → APIVersions / APIGroupList. */
  kind: 'aggregated' | 'legacy';
  /** apidiscovery.k8s.io version, only for 'aggregated'. */
  version?: 'v2' | 'v2beta1';
  mediaType: DiscoveryMediaType;
  /** The exact Content-Type kube answers with. */
  contentType: string;
  /** `pretty=1` was among the accepted clause's parameters. */
  pretty: boolean;
}

export type DiscoveryFormat =
  | 'v2'
  | 'v2beta1'
  | 'protobuf-v2'
  | 'protobuf-v2beta1'
  | 'yaml-v2'
  | 'yaml-v2beta1'
  | 'legacy';

export interface AcceptClause {
  type: string;
  subType: string;
  q: number;
  params: Map<string, string>;
}

/** goautoneg.ParseAccept: split on ',', drop malformed ranges, sort by q then specificity. */
export function parseAccept(header: string): AcceptClause[] {
  const out: AcceptClause[] = [];
  for (const rawPart of header.split(',')) {
    const part = trimSpaces(rawPart);
    const mrp = part.split(';');
    const sp = mrp[0]!.split('/');
    const type = trimSpaces(sp[0]!);
    let subType: string;
    if (sp.length === 1 && type === '*') subType = '*';
    else if (sp.length === 2) subType = trimSpaces(sp[1]!);
    else continue;
    const clause: AcceptClause = { type, subType, q: 1, params: new Map() };
    for (const param of mrp.slice(1)) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const token = trimSpaces(param.slice(0, eq));
      const value = param.slice(eq + 1);
      if (token === 'q') {
        const f = Number.parseFloat(value);
        // strconv.ParseFloat: an unparsable value yields 0
        clause.q = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? f : 0;
      } else {
        clause.params.set(token, trimSpaces(value));
      }
    }
    out.push(clause);
  }
  // Go's sort.Sort is an insertion sort for short slices (stable); a stable sort with the same Less.
  const less = (a: AcceptClause, b: AcceptClause): boolean => {
    if (a.q > b.q) return true;
    if (a.type !== '*' && b.type === '*') return true;
    if (a.subType !== '*' && b.subType === '*') return true;
    return false;
  };
  return out
    .map((c, i) => ({ c, i }))
    .sort((x, y) => (less(x.c, y.c) ? -1 : less(y.c, x.c) ? 1 : x.i - y.i))
    .map((x) => x.c);
}

function trimSpaces(s: string): string {
  return s.replace(/^ +| +$/g, '');
}

interface Serializer {
  type: string;
  subType: string;
  mediaType: DiscoveryMediaType;
  streaming: boolean;
}

// The discovery codec factory's serializers, in order (JSON, YAML, protobuf; CBOR is off by default in 1.32).
const SERIALIZERS: Serializer[] = [
  { type: 'application', subType: 'json', mediaType: 'application/json', streaming: true },
  { type: 'application', subType: 'yaml', mediaType: 'application/yaml', streaming: false },
  { type: 'application', subType: 'vnd.kubernetes.protobuf', mediaType: 'application/vnd.kubernetes.protobuf', streaming: true },
];

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

interface Negotiated {
  serializer: Serializer;
  convert: Gvk | undefined;
  pretty: boolean;
}

function negotiateOptions(header: string, allowsTransform: (gvk: Gvk | undefined) => boolean): Negotiated | undefined {
  if (header.length === 0) return { serializer: SERIALIZERS[0]!, convert: undefined, pretty: false };
  for (const clause of parseAccept(header)) {
    for (const s of SERIALIZERS) {
      const matches =
        (clause.type === s.type && clause.subType === s.subType) ||
        (clause.type === s.type && clause.subType === '*') ||
        (clause.type === '*' && clause.subType === '*');
      if (!matches) continue;
      let convert: Gvk | undefined;
      let pretty = false;
      let ok = true;
      for (const [k, v] of clause.params) {
        switch (k) {
          case 'as':
            convert = { ...(convert ?? { group: '', version: '', kind: '' }), kind: v };
            break;
          case 'g':
            convert = { ...(convert ?? { group: '', version: '', kind: '' }), group: v };
            break;
          case 'v':
            convert = { ...(convert ?? { group: '', version: '', kind: '' }), version: v };
            break;
          case 'stream':
            if (v.length > 0 && (!s.streaming || v !== 'watch')) ok = false;
            break;
          case 'sv':
            if (v.length > 0) ok = false;
            break;
          case 'pretty':
            pretty = v === '1';
            break;
          default:
            break;
        }
        if (!ok) break;
      }
      if (!ok) continue;
      if (!allowsTransform(convert)) continue;
      return { serializer: s, convert, pretty };
    }
  }
  return undefined;
}

function isAggregatedDiscoveryGVK(gvk: Gvk | undefined): boolean {
  return (
    gvk !== undefined &&
    gvk.group === 'apidiscovery.k8s.io' &&
    (gvk.version === 'v2beta1' || gvk.version === 'v2') &&
    gvk.kind === 'APIGroupDiscoveryList'
  );
}

/**
 * Full negotiation for GET /api and GET /apis. Returns null when kube answers 406 Not Acceptable.
 * An aggregated clause anywhere in the header wins (kube's WrappedHandler negotiates with restrictions that
 * only accept the apidiscovery GVKs); otherwise the legacy handler negotiates without any `as=` conversion.
 */
export function negotiateDiscoveryDetailed(acceptHeader: string | undefined): DiscoveryNegotiation | null {
  const header = acceptHeader ?? '';
  const agg = negotiateOptions(header, isAggregatedDiscoveryGVK);
  if (agg && agg.convert) {
    const version = agg.convert.version as 'v2' | 'v2beta1';
    return {
      kind: 'aggregated',
      version,
      mediaType: agg.serializer.mediaType,
      contentType: `${agg.serializer.mediaType};g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
      pretty: agg.pretty,
    };
  }
  const legacy = negotiateOptions(header, (gvk) => gvk === undefined);
  if (!legacy) return null;
  return {
    kind: 'legacy',
    mediaType: legacy.serializer.mediaType,
    contentType: legacy.serializer.mediaType,
    pretty: legacy.pretty,
  };
}

/**
 * Which discovery document to serve for GET /api or /apis: 'v2' (aggregated JSON, Content-Type
 * CONTENT_TYPE_AGGREGATED_V2), 'v2beta1', their protobuf/yaml variants, 'legacy' (APIVersions/APIGroupList, in
 * the media type negotiateDiscoveryDetailed reports, JSON for plain/absent Accept), or 406.
 */
export function negotiateDiscovery(acceptHeader: string | undefined): DiscoveryFormat | 406 {
  const n = negotiateDiscoveryDetailed(acceptHeader);
  if (!n) return 406;
  if (n.kind === 'legacy') return 'legacy';
  const v = n.version ?? 'v2';
  switch (n.mediaType) {
    case 'application/json':
      return v;
    case 'application/yaml':
      return v === 'v2' ? 'yaml-v2' : 'yaml-v2beta1';
    case 'application/vnd.kubernetes.protobuf':
      return v === 'v2' ? 'protobuf-v2' : 'protobuf-v2beta1';
  }
}
