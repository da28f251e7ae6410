import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../lambdas/report/html-report.ts';
import { buildReportModel, type ReportOptions } from '../../lambdas/report/report-model.ts';
import { uplotAssets } from '../../lambdas/report/uplot-assets.ts';
import {
  ASSETS,
  coreFlagCount,
  embeddedData,
  FROM,
  HUGE_VALUES,
  hugeSet,
  METRICS,
  sampleSet,
  TO,
} from './report-fixture.ts';

const BASE = Object.freeze({
  closed: 'left',
  timeframes: [3, 7, 30],
  deviationLimit: 1.5,
  minSamples: 1,
  from: FROM,
  to: TO,
} as const);

const SOURCE = Object.freeze({ input: 'sample.ndjson', documents: 5820 });

async function render(options: ReportOptions) {
  const set = await sampleSet();
  const html = renderReportHtml(buildReportModel(set, options), SOURCE);
  return { set, html, data: embeddedData(html) };
}

function count(html: string, pattern: RegExp): number {
  return html.match(pattern)?.length ?? 0;
}

describe('renderReportHtml(buildReportModel(...))', () => {
  it.each(['rolling', 'window'] as const)(
    '%s mode: the page data holds one marker per flag the core finds in the period',
    async (mode) => {
      const { set, data } = await render({ ...BASE, mode });
      const expected = coreFlagCount(set, mode, FROM, TO);
      expect(expected).toBeGreaterThan(0);
      expect(data.charts.reduce((s, c) => s + c.flags.length, 0)).toBe(expected);
    },
  );

  it('puts every flag marker on its point: its time and value are an observation of the chart', async () => {
    const { data } = await render({ ...BASE, mode: 'rolling' });
    for (const c of data.charts) {
      for (const f of c.flags) {
        const i = c.times.indexOf(f.time);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(c.values[i]).toBe(f.value);
      }
    }
  });

  it('has one figure and one chart payload per asset × metric, in asset then metric order', async () => {
    const { html, data } = await render({ ...BASE, mode: 'rolling' });
    expect(count(html, /<figure class="chart"/g)).toBe(ASSETS.length * METRICS.length);
    expect(data.charts.map((c) => `${c.asset}/${c.metric}`)).toEqual(
      ASSETS.flatMap((a) => METRICS.map((m) => `${a}/${m}`)),
    );
    for (const c of data.charts) {
      expect(c.values.filter((v) => v !== null).length).toBeGreaterThan(60); // of 91 days shown, some missing
      expect(html).toContain(`<figure class="chart" id="${c.id}"`);
    }
  });

  it('is self-contained: uPlot inlined, no external src/href/link, a policy that forbids every fetch', async () => {
    const { html } = await render({ ...BASE, mode: 'rolling' });
    const { script, style } = uplotAssets();
    expect(html).toContain(script);
    expect(html).toContain(style);
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/<link\b/);
    expect(html).not.toMatch(/url\(/);
    for (const [, target] of html.matchAll(/href="([^"]*)"/g)) expect(target).toMatch(/^#/);
    // The only URL is the attribution in uPlot's banner comment.
    expect([...html.matchAll(/https?:\/\/\S+/g)].map((m) => m[0])).toEqual([
      'https://github.com/leeoniya/uPlot',
    ]);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    );
  });

  it('has a phone layout and a print stylesheet', async () => {
    const { html } = await render({ ...BASE, mode: 'rolling' });
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('@media (max-width:600px)');
    expect(html).toContain('@media print');
    expect(html).toContain('<div class="scroll"><table class="summary">');
  });

  it('titles axes with units and log scale, has a legend with a toggle per timeframe and a summary table', async () => {
    const { html, data } = await render({ ...BASE, mode: 'rolling' });
    const title = (asset: string, metric: string) =>
      data.charts.find((c) => c.asset === asset && c.metric === metric)!;
    expect(title('terra-luna', 'latest_price')).toMatchObject({
      axis: 'log', // 80 → 0.0001
      title: 'latest_price (USD, log scale)',
    });
    expect(title('bitcoin', 'market_cap_score')).toMatchObject({
      axis: 'score',
      title: 'market_cap_score (score 0–100)',
    });
    expect(title('bitcoin', 'latest_price')).toMatchObject({ axis: 'linear', title: 'latest_price (USD)' });
    expect(html).toContain("label: 'date (UTC)'");
    for (const text of [
      '3-day fences',
      '7-day fences',
      '30-day fences',
      'high (above upper fence)',
      'low (below lower fence)',
      'known market event',
    ]) {
      expect(html).toContain(text);
    }
    expect(count(html, /<input type="checkbox" checked data-toggle="\d"/g)).toBe(3);
    expect(count(html, /<tr><td><a href="#chart-/g)).toBe(ASSETS.length * METRICS.length);
  });

  it('shades and lists the Terra/LUNA collapse on terra-luna only, over the rows that hold the move', async () => {
    const { html, data } = await render({ ...BASE, mode: 'rolling' });
    for (const c of data.charts) {
      expect(c.events.map((e) => e.id)).toEqual(c.asset === 'terra-luna' ? ['terra-luna'] : []);
    }
    expect(data.charts[0]!.events[0]).toMatchObject({
      from: Date.UTC(2022, 4, 9, 12),
      to: Date.UTC(2022, 4, 14, 12),
    });
    expect(html).toContain('<li><b>Terra/LUNA collapse</b> (2022-05-09 … 2022-05-13): LUNA fell');
    expect(count(html, /<ul class="events">/g)).toBe(1);
  });

  it("window mode: the points of [asOf − T, asOf) share the window's fences, the others have none", async () => {
    const set = await sampleSet();
    const model = buildReportModel(set, { ...BASE, mode: 'window' });
    const asOf = Date.UTC(2022, 6, 1);
    expect(model.asOf).toBe(asOf);
    let inside = 0;
    for (const chart of model.charts) {
      for (const band of chart.bands) {
        const start = asOf - band.timeframe * 86_400_000;
        const shared = new Set<number>();
        chart.times.forEach((t, i) => {
          if (t >= start && t < asOf) {
            shared.add(band.lower[i]!);
            inside++;
          } else {
            expect([band.lower[i], band.upper[i]]).toEqual([Number.NaN, Number.NaN]);
          }
        });
        expect(shared.size).toBeLessThanOrEqual(1);
      }
    }
    expect(inside).toBe(ASSETS.length * METRICS.length * (3 + 7 + 30)); // daily rows, none missing in June
  });

  it('escapes asset names taken from the input, in the markup and in the embedded data', async () => {
    const set = await sampleSet();
    const asset = '</script><script>alert(1)</script><!--';
    const evil = { ...set, series: [{ ...set.series[0]!, asset }] };
    const html = renderReportHtml(buildReportModel(evil, { ...BASE, mode: 'rolling' }), SOURCE);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<!--');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--');
    expect(embeddedData(html).charts[0]!.asset).toBe(asset);
  });

  it('renders values at the ends of the double range without hanging, rescaled, with no NaN in the data', () => {
    const html = renderReportHtml(
      buildReportModel(hugeSet(), { ...BASE, from: undefined, to: undefined, mode: 'rolling' }),
      { input: 'huge', documents: HUGE_VALUES.length },
    );
    const data = embeddedData(html);
    expect(data.charts.map((c) => [c.metric, c.exponent])).toEqual([
      ['latest_price', 308],
      ['volatility_index', 308],
      ['custom', 300],
    ]);
    expect(data.charts[0]!.values).toEqual(HUGE_VALUES);
    expect(html).not.toMatch(/NaN/);
    expect(html).toContain('aria-label="huge latest_price: 14 values from -$1E308 to $1.8E308, ');
  }, 20_000);
});
