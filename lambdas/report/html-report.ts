import { Mode } from '../core/detector-options.ts';
import { extent } from '../core/extent.ts';
import { Direction } from '../core/fences.ts';
import { formatIso } from '../core/timestamp.ts';
import type { ChartEvent } from './chart-events.ts';
import { CHART_COLOURS, timeframeColour, timeframeDash } from './chart-palette.ts';
import { type ChartPayload, chartPayload } from './chart-payload.ts';
import { escapeHtml, safeId, scriptJson } from './html-escape.ts';
import { formatValue, VALUE_FORMAT } from './metric-units.ts';
import { REPORT_CLIENT_SCRIPT, REPORT_DATA_ID } from './report-client.ts';
import type { ReportModel } from './report-model.ts';
import { REPORT_STYLE } from './report-style.ts';
import { uplotAssets } from './uplot-assets.ts';

/** Where the data came from, for the report's header. */
export interface ReportSource {
  /** Input file name as given. */
  readonly input: string;
  /** Documents read. */
  readonly documents: number;
}

/**
 * Forbids every fetch (scripts, styles, images, fonts, connections) except the
 * page's own inline code, so an opened report cannot reach the network even
 * if some text in it tried to.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const HINT =
  'Hover or tap the chart for the values of a point; drag across it to zoom, double-click to reset.';

/**
 * Renders a whole report as one self-contained HTML page: uPlot's build and
 * stylesheet inlined, the data embedded as JSON in a
 * `<script type="application/json">`, a Content-Security-Policy that forbids
 * any fetch — it opens offline, makes no network request, and prints.
 *
 * The page holds the parameters, a legend whose checkboxes show and hide each
 * timeframe, a summary table of flags per asset, metric and timeframe
 * (high/low), and per asset the known market events of the period and one
 * interactive chart per metric (see {@link REPORT_CLIENT_SCRIPT}). Without
 * JavaScript the header, legend and tables still read.
 *
 * @param model - what to show (see `buildReportModel`)
 * @param source - the input's name and size for the header
 * @returns the HTML document
 *
 * Complexity: O(points + steps + flags) over all charts, plus uPlot's ~50 KB.
 *
 * @example
 * await writeFile('report.html', renderReportHtml(model, { input: 'docs.ndjson', documents: 5820 }));
 */
export function renderReportHtml(model: ReportModel, source: ReportSource): string {
  const charts = model.charts.map((c) => chartPayload(c, model));
  const assets = [...new Set(charts.map((c) => c.asset))];
  const metrics = [...new Set(charts.map((c) => c.metric))];
  const title = `riskfence report — ${assets.length === 1 ? assets[0] : `${assets.length} assets`}`;
  const sections = assets.map((asset) => {
    const mine = charts.filter((c) => c.asset === asset);
    return `<section id="${safeId(`asset-${asset}`)}"><h2>${escapeHtml(asset)}</h2>${eventList(mine[0]!.events)}${mine.map((c) => figure(c, model.timeframes)).join('')}</section>`;
  });
  const uplot = uplotAssets();
  const data = {
    timeframes: model.timeframes,
    colours: {
      ...CHART_COLOURS,
      timeframes: model.timeframes.map((_, i) => timeframeColour(i)),
      dashes: model.timeframes.map((_, i) => timeframeDash(i)),
    },
    format: VALUE_FORMAT,
    charts,
  };
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${uplot.style}</style>`,
    `<style>${REPORT_STYLE}</style></head><body><main>`,
    `<h1>${escapeHtml(title)}</h1>`,
    params(model, source, metrics),
    '<noscript><p class="note">The charts need JavaScript; the tables below do not.</p></noscript>',
    legend(model.timeframes),
    summary(model, charts),
    ...sections,
    `<script type="application/json" id="${REPORT_DATA_ID}">${scriptJson(data)}</script>`,
    `<script>${uplot.script}</script>`,
    `<script>${REPORT_CLIENT_SCRIPT}</script>`,
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

function legend(timeframes: readonly number[]): string {
  const bands = timeframes.map((t, i) => {
    const dash = timeframeDash(i).join(' ');
    return `<label><input type="checkbox" checked data-toggle="${i}"><svg viewBox="0 0 26 14" aria-hidden="true"><path d="M1 4H25M1 11H25" stroke="${timeframeColour(i)}" stroke-width="1.6" stroke-dasharray="${dash}" fill="none"/></svg>${t}-day fences</label>`;
  });
  const marker = (d: string) =>
    `<svg viewBox="0 0 26 14" aria-hidden="true"><path d="${d}" fill="${CHART_COLOURS.value}"/></svg>`;
  const sizes =
    timeframes.length > 1
      ? ', longer timeframes larger and underneath (a point flagged by several shows nested triangles)'
      : '';
  return `<div class="legend"><span><svg viewBox="0 0 26 14" aria-hidden="true"><path d="M1 10L9 4L16 8L25 2" fill="none" stroke="${CHART_COLOURS.value}" stroke-width="1.6"/></svg>value</span>${bands.join('')}<span>${marker('M13 1L19 12H7Z')}high (above upper fence)</span><span>${marker('M13 13L19 2H7Z')}low (below lower fence)</span><span><svg viewBox="0 0 26 14" aria-hidden="true"><rect x="1" y="1" width="24" height="12" fill="${CHART_COLOURS.event}"/></svg>known market event</span><p class="note">Markers sit on the flagged point, one per flag: shape gives the direction, colour the timeframe${sizes}. Events are shaded over the rows that hold the move: a 00:00 UTC snapshot holds the previous day's close.</p></div>`;
}

function summary(model: ReportModel, charts: readonly ChartPayload[]): string {
  const head = model.timeframes.map((t) => `<th>${t}-day ▲</th><th>${t}-day ▼</th>`).join('');
  const rows = charts.map((c) => {
    const cells = model.timeframes
      .map((t) => {
        const mine = c.flags.filter((f) => f.timeframe === t);
        const high = mine.filter((f) => f.direction === Direction.High).length;
        const low = mine.length - high;
        return `<td${high ? '' : ' class="zero"'}>${high}</td><td${low ? '' : ' class="zero"'}>${low}</td>`;
      })
      .join('');
    return `<tr><td><a href="#${c.id}">${escapeHtml(c.asset)}</a></td><td>${escapeHtml(c.metric)}</td>${cells}<td>${c.flags.length}</td></tr>`;
  });
  const total = charts.reduce((s, c) => s + c.flags.length, 0);
  return `<h2>Flags in the period</h2><p class="note">${total} flags (one per flagged point per timeframe) in ${charts.length} charts. ▲ high, ▼ low.</p><div class="scroll"><table class="summary"><thead><tr><th>asset</th><th>metric</th>${head}<th>total</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function eventList(events: readonly ChartEvent[]): string {
  if (events.length === 0) return '';
  const items = events.map((e) => `<li><b>${escapeHtml(e.name)}</b> (${e.days}): ${escapeHtml(e.fact)}</li>`);
  return `<ul class="events">${items.join('')}</ul>`;
}

function figure(c: ChartPayload, timeframes: readonly number[]): string {
  const counts = timeframes
    .map((t) => `${t}d: ${c.flags.filter((f) => f.timeframe === t).length}`)
    .join(', ');
  return `<figure class="chart" id="${c.id}" data-asset="${escapeHtml(c.asset)}" data-metric="${escapeHtml(c.metric)}"><figcaption>${escapeHtml(c.asset)} · ${escapeHtml(c.metric)} <small>${c.flags.length} flags (${counts})</small></figcaption><div class="plot" role="img" aria-label="${escapeHtml(description(c))}"></div><p class="readout" aria-live="polite"><span class="hint">${HINT}</span></p><p class="status"></p></figure>`;
}

/** What the canvas shows, in words, for screen readers. */
function description(c: ChartPayload): string {
  const shown = c.values.filter((v) => v !== null);
  if (shown.length === 0) return `${c.asset} ${c.metric}: no values in the period`;
  const [min, max] = extent(shown);
  return `${c.asset} ${c.metric}: ${shown.length} values from ${formatValue(min, c.unit)} to ${formatValue(max, c.unit)}, ${c.flags.length} flags`;
}

function day(t: number): string {
  return formatIso(t).slice(0, 10);
}
