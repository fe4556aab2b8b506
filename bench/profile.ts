// Summary of a V8 CPU profile (Profiler.stop's result, the .cpuprofile format): self time per function and per
// file, as a share of all samples.
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const i = u.indexOf('/dist/');
  if (i >= 0) return u.slice(i + 6);
  const j = u.indexOf('/node_modules/');
  if (j >= 0) return u.slice(j + 1);
  return u;
}

export function summarizeProfile(p: unknown, topFunctions: number, topFiles: number): string[] {
  const prof = p as CpuProfile;
  const hits = new Map<number, number>();
  if (prof.samples) for (const id of prof.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const n of prof.nodes) hits.set(n.id, n.hitCount ?? 0);
  const total = [...hits.values()].reduce((a, b) => a + b, 0) || 1;
  const totalMs = (prof.endTime - prof.startTime) / 1000;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let idle = 0;
  for (const n of prof.nodes) {
    const h = hits.get(n.id) ?? 0;
    if (!h) continue;
    const f = n.callFrame;
    if (f.functionName === '(idle)') {
      idle += h;
      continue;
    }
    const file = shortUrl(f.url) || (f.functionName.startsWith('(') ? f.functionName : '(native)');
    const key = `${f.functionName || '(anonymous)'}  ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + h);
    byFile.set(file, (byFile.get(file) ?? 0) + h);
  }
  const pct = (h: number) => `${((100 * h) / total).toFixed(1).padStart(5)}%`;
  const out = [`${fmtMs(totalMs)} profiled, ${pct(total - idle).trim()} busy (self time, share of all samples):`];
  for (const [k, h] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, topFunctions)) out.push(`${pct(h)}  ${k}`);
  out.push('by file:');
  for (const [k, h] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, topFiles)) out.push(`${pct(h)}  ${k}`);
  return out;
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}
