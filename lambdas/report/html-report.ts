import { Mode } from '../core/detector-options.ts';
import { Direction } from '../core/fences.ts';
import { formatIso } from '../core/timestamp.ts';
import { escapeHtml, safeId } from './html-escape.ts';
import type { ChartModel, ReportModel } from './report-model.ts';
import { chartId, renderChartSvg, timeframeColour } from './svg-chart.ts';

/** Where the data came from, for the report's header. */
export interface ReportSource {
  /** Input file name as given. */
  readonly input: string;
  /** Documents read. */
  readonly documents: number;
}

const STYLE = `
:root{--fg:#1d2329;--muted:#5b6670;--line:#d8dde2;--high:#d62728;--low:#1f6fd1;--bg:#fff}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#f4f6f8}
main{max-width:1080px;margin:0 auto;padding:20px 24px 48px;background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.params{color:var(--muted);margin:0 0 12px}.params b{color:var(--fg);font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:8px 0 12px;padding:8px 10px;border:1px solid var(--line);border-radius:6px}
.legend span{display:inline-flex;align-items:center;gap:6px}.legend svg{width:22px;height:14px}
.legend label{cursor:pointer;display:inline-flex;align-items:center;gap:6px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}
thead th{background:#eef1f4;position:sticky;top:0}
td.hi{color:var(--high)}td.lo{color:var(--low)}td.zero{color:#aab2ba}
figure{margin:10px 0 18px;break-inside:avoid}figcaption{font-weight:600;margin-bottom:2px}
figcaption small{font-weight:400;color:var(--muted)}
svg.chart{width:100%;height:auto;display:block}
.chart .grid{stroke:#e6e9ec;stroke-width:1}.chart .axis{stroke:#8a949c}
.chart .tick{font-size:11px;fill:var(--muted)}.chart .axis-title{font-size:12px;fill:var(--fg)}
.chart .series{fill:none;stroke:#1d2329;stroke-width:1.4;stroke-linejoin:round}
.chart .dot{fill:#1d2329}
.chart .band-fill{fill-opacity:.09;stroke:none}.chart .fence{fill:none;stroke-width:1.1;stroke-opacity:.85}
.chart .flag{stroke-width:1.3}.chart .flag.high{fill:var(--high)}.chart .flag.low{fill:var(--low)}
.chart .empty{fill:var(--muted);text-anchor:middle}
.note{color:var(--muted);font-size:13px}
@media print{body{background:#fff}main{max-width:none;padding:0}.controls{display:none}thead th{position:static}
h2{break-after:avoid}figure{break-inside:avoid}}
`;

/** Shows and hides the bands and markers of one timeframe; the page works without it. */
const SCRIPT = `
document.querySelectorAll('input[data-toggle]').forEach(function(box){
  box.addEventListener('change',function(){
    var cls='.tf-'+box.getAttribute('data-toggle');
    document.querySelectorAll(cls).forEach(function(el){el.style.display=box.checked?'':'none';});
  });
});
`;

/**
 * Renders a whole report as one self-contained HTML page: inline CSS, inline
 * SVG charts and a few lines of inline script (timeframe toggles), and no
 * reference to anything outside the file — it opens offline and prints.
 *
 * The page holds the parameters, a legend, a summary table of flags per asset,
 * metric and timeframe (high/low), and one chart per asset × metric grouped by asset.
 *
 * @param model - what to show (see `buildReportModel`)
 * @param source - the input's name and size for the header
 * @returns the HTML document
 *
 * Complexity: O(points + flags) over all charts.
 *
 * @example
 * await writeFile('report.html', renderReportHtml(model, { input: 'docs.ndjson', documents: 5820 }));
 */
export function renderReportHtml(model: ReportModel, source: ReportSource): string {
  const assets = [...new Set(model.charts.map((c) => c.asset))];
  const metrics = [...new Set(model.charts.map((c) => c.metric))];
  const title = `riskfence report — ${assets.length === 1 ? assets[0] : `${assets.length} assets`}`;
  const sections = assets.map((asset) => {
    const charts = model.charts.filter((c) => c.asset === asset);
    return `<section id="${safeId(`asset-${asset}`)}"><h2>${escapeHtml(asset)}</h2>${charts.map((c) => figure(c, model)).join('')}</section>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style></head><body><main>`,
    `<h1>${escapeHtml(title)}</h1>`,
    params(model, source, metrics),
    legend(model),
    summary(model),
    ...sections,
    `<script>${SCRIPT}</script>`,
    '</main></body></html>\n',
  ].join('\n');
}

function params(model: ReportModel, source: ReportSource, metrics: readonly string[]): string {
  const mode =
    model.mode === Mode.Rolling
      ? `rolling (closed ${model.closed}: each point judged against its own trailing window${model.closed === 'left' ? ', itself excluded' : ''})`
      : `window (fences of [asOf − T, asOf), asOf ${formatIso(model.asOf!)})`;
  const period = Number.isNaN(model.from) ? 'no data' : `${day(model.from)} … ${day(model.to)}`;
  const guard = model.minRelativeIqr > 0 ? `, IQR floor ${model.minRelativeIqr} × |median|` : '';
  return `<p class="params">Input <b>${escapeHtml(source.input)}</b> (${source.documents} documents) · period <b>${period}</b> · mode <b>${escapeHtml(mode)}</b> · timeframes <b>${model.timeframes.join(', ')} days</b> · deviation limit k = <b>${model.deviationLimit}</b>${guard} · min samples ${model.minSamples} · metrics ${escapeHtml(metrics.join(', '))}</p>`;
}

function legend(model: ReportModel): string {
  const bands = model.timeframes.map((t, i) => {
    const c = timeframeColour(i);
    return `<label class="controls-item"><input type="checkbox" checked data-toggle="${i}" class="controls"><svg viewBox="0 0 22 14" aria-hidden="true"><rect x="1" y="2" width="20" height="10" fill="${c}" fill-opacity=".15" stroke="${c}"/></svg>${t}-day fences</label>`;
  });
  return `<div class="legend"><span><svg viewBox="0 0 22 14" aria-hidden="true"><path d="M1 10L8 4L14 8L21 2" fill="none" stroke="#1d2329" stroke-width="1.6"/></svg>value</span>${bands.join('')}<span><svg viewBox="0 0 22 14" aria-hidden="true"><path d="M11 2L17 12H5Z" fill="#d62728"/></svg>high (above upper fence)</span><span><svg viewBox="0 0 22 14" aria-hidden="true"><path d="M11 12L17 2H5Z" fill="#1f6fd1"/></svg>low (below lower fence)</span><span class="note">one marker per flag: a point flagged by several timeframes gets stacked markers, the shortest timeframe nearest (outline in its colour); hover a marker for value, fences and score</span></div>`;
}

function summary(model: ReportModel): string {
  const head = model.timeframes.map((t) => `<th>${t}-day ▲</th><th>${t}-day ▼</th>`).join('');
  const rows = model.charts.map((c) => {
    const cells = model.timeframes
      .map((t) => {
        const mine = c.flags.filter((f) => f.timeframe === t);
        const high = mine.filter((f) => f.direction === Direction.High).length;
        const low = mine.length - high;
        return `<td class="${high ? 'hi' : 'zero'}">${high}</td><td class="${low ? 'lo' : 'zero'}">${low}</td>`;
      })
      .join('');
    return `<tr><td><a href="#${chartId(c)}">${escapeHtml(c.asset)}</a></td><td>${escapeHtml(c.metric)}</td>${cells}<td>${c.flags.length}</td></tr>`;
  });
  const total = model.charts.reduce((s, c) => s + c.flags.length, 0);
  return `<h2>Flags in the period</h2><p class="note">${total} flags (one per flagged point per timeframe) in ${model.charts.length} charts. ▲ high, ▼ low.</p><table class="summary"><thead><tr><th>asset</th><th>metric</th>${head}<th>total</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function figure(chart: ChartModel, model: ReportModel): string {
  const counts = model.timeframes
    .map((t) => `${t}d: ${chart.flags.filter((f) => f.timeframe === t).length}`)
    .join(', ');
  return `<figure><figcaption>${escapeHtml(chart.asset)} · ${escapeHtml(chart.metric)} <small>${chart.flags.length} flags (${counts})</small></figcaption>${renderChartSvg(chart, model.timeframes)}</figure>`;
}

function day(t: number): string {
  return formatIso(t).slice(0, 10);
}
