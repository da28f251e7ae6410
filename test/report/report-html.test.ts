import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../lambdas/report/html-report.ts';
import { buildReportModel, type ReportOptions } from '../../lambdas/report/report-model.ts';
import { ASSETS, coreFlagCount, FROM, METRICS, sampleSet, TO } from './report-fixture.ts';

const BASE = {
  closed: 'left',
  timeframes: [3, 7, 30],
  deviationLimit: 1.5,
  minSamples: 1,
  from: FROM,
  to: TO,
} as const;

async function render(options: ReportOptions) {
  const set = await sampleSet();
  const html = renderReportHtml(buildReportModel(set, options), { input: 'sample.ndjson', documents: 5820 });
  return { set, html };
}

function count(html: string, pattern: RegExp): number {
  return html.match(pattern)?.length ?? 0;
}

describe('renderReportHtml(buildReportModel(...))', () => {
  it.each(['rolling', 'window'] as const)(
    '%s mode: one marker per flag the core finds in the period',
    async (mode) => {
      const { set, html } = await render({ ...BASE, mode });
      const expected = coreFlagCount(set, mode, FROM, TO);
      expect(expected).toBeGreaterThan(0);
      expect(count(html, /data-flag="(high|low)"/g)).toBe(expected);
    },
  );

  it('draws one chart per asset × metric, each with a non-empty series path', async () => {
    const { html } = await render({ ...BASE, mode: 'rolling' });
    expect(count(html, /<svg class="chart"/g)).toBe(ASSETS.length * METRICS.length);
    expect(count(html, /<path class="series" d="M[^"]+"/g)).toBe(ASSETS.length * METRICS.length);
  });

  it('is self-contained: no http(s) reference, no external src or href, inline style and script', async () => {
    const { html } = await render({ ...BASE, mode: 'rolling' });
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/<link\b/);
    for (const [, target] of html.matchAll(/href="([^"]*)"/g)) expect(target).toMatch(/^#/);
    expect(html).toContain('<style>');
    expect(html).toContain('@media print');
  });

  it('labels axes with units, says when an axis is logarithmic, and has a legend and summary table', async () => {
    const { html } = await render({ ...BASE, mode: 'rolling' });
    expect(html).toContain('latest_price (USD, log scale)'); // terra-luna: 80 → 0.0001
    expect(html).toContain('market_cap_score (score 0–100)');
    expect(html).toContain('date (UTC)');
    for (const text of [
      '3-day fences',
      '7-day fences',
      '30-day fences',
      'high (above upper fence)',
      'low (below lower fence)',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).toContain('<table class="summary">');
    expect(count(html, /<tr><td><a href="#chart-/g)).toBe(ASSETS.length * METRICS.length);
  });

  it('draws window-mode bands as one horizontal step per timeframe', async () => {
    const set = await sampleSet();
    const model = buildReportModel(set, { ...BASE, mode: 'window' });
    expect(model.asOf).toBe(Date.UTC(2022, 6, 1));
    const bands = model.charts.flatMap((c) => c.bands);
    expect(bands.filter((b) => b.steps.length === 1).length).toBeGreaterThan(0);
    for (const band of bands) {
      expect(band.steps.length).toBeLessThanOrEqual(1); // none where the window has no values
      for (const step of band.steps) {
        expect([step.from, step.to]).toEqual([
          Date.UTC(2022, 6, 1) - band.timeframe * 86_400_000,
          Date.UTC(2022, 6, 1),
        ]);
      }
    }
  });

  it('escapes asset names taken from the input', async () => {
    const set = await sampleSet();
    const evil = { ...set, series: [{ ...set.series[0]!, asset: '<script>x</script>' }] };
    const html = renderReportHtml(buildReportModel(evil, { ...BASE, mode: 'rolling' }), {
      input: 'x',
      documents: 1,
    });
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});
