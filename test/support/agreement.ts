/**
 * The agreement rule of the golden cases (test/fixtures/golden/README.md):
 * the same results keyed by (asset, metric, timeframe); numbers within 1e-9
 * relative error (1e-12 absolute near zero); `n` equal; flags equal as a set of
 * (timestamp, value, direction); rolling points in order. Returns the
 * differences found (empty = agreement), so a failure names what differs.
 */
export function disagreements(actual: unknown, expected: unknown): string[] {
  const out: string[] = [];
  const a = actual as Report;
  const e = expected as Report;
  if (a.mode !== e.mode) return [`mode ${a.mode} != ${e.mode}`];
  const byKey = (r: Result) => `${r.asset}|${r.metric}|${r.timeframe}`;
  const actualResults = new Map(a.results.map((r) => [byKey(r), r]));
  const expectedKeys = new Set(e.results.map(byKey));
  for (const key of actualResults.keys()) if (!expectedKeys.has(key)) out.push(`unexpected result ${key}`);
  for (const exp of e.results) {
    const key = byKey(exp);
    const act = actualResults.get(key);
    if (!act) {
      out.push(`missing result ${key}`);
      continue;
    }
    if (e.mode === 'window') compareWindow(key, act as WindowResult, exp as WindowResult, out);
    else compareRolling(key, act as RollingResult, exp as RollingResult, out);
    if (out.length > 20) break;
  }
  return out;
}

/** Relative 1e-9, absolute 1e-12 near zero; null only equals null. */
export function close(a: number | null | undefined, b: number | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (a === b) return true;
  const diff = Math.abs(a - b);
  return diff <= 1e-12 || diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

interface Report {
  mode: 'window' | 'rolling';
  results: Result[];
}
interface Result {
  asset: string;
  metric: string;
  timeframe: number;
}
interface WindowResult extends Result {
  n: number;
  fences: Record<'q1' | 'q3' | 'iqr' | 'lower' | 'upper', number> | null;
  flags: { timestamp: string; value: number; direction: string; score: number | null }[];
}
interface RollingResult extends Result {
  points: {
    timestamp: string;
    value: number | null;
    q1: number | null;
    q3: number | null;
    lower: number | null;
    upper: number | null;
    direction: string | null;
    score: number | null;
  }[];
}

function compareWindow(key: string, a: WindowResult, e: WindowResult, out: string[]): void {
  if (a.n !== e.n) out.push(`${key}: n ${a.n} != ${e.n}`);
  if ((a.fences === null) !== (e.fences === null)) {
    out.push(`${key}: fences ${JSON.stringify(a.fences)} != ${JSON.stringify(e.fences)}`);
  } else if (a.fences && e.fences) {
    for (const f of ['q1', 'q3', 'iqr', 'lower', 'upper'] as const) {
      if (!close(a.fences[f], e.fences[f])) out.push(`${key}: ${f} ${a.fences[f]} != ${e.fences[f]}`);
    }
  }
  const flag = (f: WindowResult['flags'][number]) => `${f.timestamp}|${f.value}|${f.direction}`;
  const af = new Set(a.flags.map(flag));
  const ef = new Set(e.flags.map(flag));
  for (const f of ef) if (!af.has(f)) out.push(`${key}: missing flag ${f}`);
  for (const f of af) if (!ef.has(f)) out.push(`${key}: unexpected flag ${f}`);
  const scores = new Map(e.flags.map((f) => [flag(f), f.score]));
  for (const f of a.flags) {
    if (scores.has(flag(f)) && !close(f.score, scores.get(flag(f)))) out.push(`${key}: score of ${flag(f)}`);
  }
}

function compareRolling(key: string, a: RollingResult, e: RollingResult, out: string[]): void {
  if (a.points.length !== e.points.length) {
    out.push(`${key}: ${a.points.length} points != ${e.points.length}`);
    return;
  }
  e.points.forEach((ep, i) => {
    const ap = a.points[i]!;
    if (ap.timestamp !== ep.timestamp) out.push(`${key}[${i}]: timestamp ${ap.timestamp} != ${ep.timestamp}`);
    if (ap.direction !== ep.direction)
      out.push(`${key}[${i}] ${ep.timestamp}: direction ${ap.direction} != ${ep.direction}`);
    for (const f of ['value', 'q1', 'q3', 'lower', 'upper', 'score'] as const) {
      if (!close(ap[f], ep[f])) out.push(`${key}[${i}] ${ep.timestamp}: ${f} ${ap[f]} != ${ep[f]}`);
    }
  });
}
