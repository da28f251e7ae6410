import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartPayload } from '../../lambdas/report/chart-payload.ts';
import { renderReportHtml } from '../../lambdas/report/html-report.ts';
import { formatValue } from '../../lambdas/report/metric-units.ts';
import { buildReportModel } from '../../lambdas/report/report-model.ts';
import { announceSkip } from '../support/announce-skip.ts';
import {
  ASSETS,
  coreFlagCount,
  type EmbeddedData,
  embeddedData,
  FROM,
  HUGE_VALUES,
  hugeSet,
  METRICS,
  sampleSet,
  TO,
} from './report-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const OPTIONS = Object.freeze({
  mode: 'rolling',
  closed: 'left',
  timeframes: [3, 7, 30],
  deviationLimit: 1.5,
  minSamples: 1,
} as const);
const DESKTOP: Viewport = Object.freeze({ width: 1100, height: 900 });
/** Plenty for a browser start and a page load on a busy two-core machine; not a speed measurement. */
const NO_HANG_MS = 60_000;

announceSkip(
  'report in headless Chromium',
  existsSync(CHROMIUM) ? undefined : `no ${CHROMIUM}; apt-get install chromium`,
);

/** What a figure says it shows (its `data-*` state) and the readout's text. */
interface FigureState {
  readonly xMin: number;
  readonly xMax: number;
  readonly markers: number;
  readonly readout: string;
}

interface Viewport {
  readonly width: number;
  readonly height: number;
}

interface OpenedPage {
  readonly page: Page;
  readonly url: string;
  readonly requests: string[];
  readonly errors: string[];
}

async function writeReport(html: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'riskfence-report-')), 'report.html');
  await writeFile(file, html);
  return pathToFileURL(file).href;
}

async function open(
  browser: Browser,
  url: string,
  viewport: Viewport = DESKTOP,
  hasTouch = false,
): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport, hasTouch, isMobile: hasTouch });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, url, requests, errors };
}

function states(page: Page): Promise<FigureState[]> {
  return page.$$eval('figure.chart', (figures) =>
    figures.map((f) => ({
      xMin: Number(f.getAttribute('data-x-min')),
      xMax: Number(f.getAttribute('data-x-max')),
      markers: Number(f.getAttribute('data-markers')),
      readout: f.querySelector('.readout')?.textContent ?? '',
    })),
  );
}

/** Dark (series-coloured) pixels inside each chart's plotting area: the value line was drawn. */
function seriesPixels(page: Page): Promise<{ width: number; dark: number }[]> {
  return page.$$eval('figure.chart', (figures) =>
    figures.map((f) => {
      const canvas = f.querySelector('canvas')!;
      const over = f.querySelector('.u-over')!;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const { data } = canvas
        .getContext('2d')!
        .getImageData(
          over.offsetLeft * ratio,
          over.offsetTop * ratio,
          over.offsetWidth * ratio,
          over.offsetHeight * ratio,
        );
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 200 && data[i]! < 80 && data[i + 1]! < 80 && data[i + 2]! < 80) dark++;
      }
      return { width: canvas.getBoundingClientRect().width, dark };
    }),
  );
}

/** Page position of a fraction of a chart's plotting area (which uPlot covers with `.u-over`). */
async function plotPoint(page: Page, chart: number, fx: number, fy = 0.5): Promise<[number, number]> {
  const over = page.locator('figure.chart').nth(chart).locator('.u-over');
  await over.scrollIntoViewIfNeeded();
  const box = (await over.boundingBox())!;
  return [box.x + fx * box.width, box.y + fy * box.height];
}

function nearestIndex(times: readonly number[], t: number): number {
  let best = 0;
  times.forEach((x, i) => {
    if (Math.abs(x - t) < Math.abs(times[best]! - t)) best = i;
  });
  return best;
}

function when(t: number): string {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function fencesAt(c: ChartPayload, i: number): string[] {
  return c.bands.map((b) => {
    const text =
      b.lower[i] === null
        ? 'no fences'
        : `${formatValue(b.lower[i]!, c.unit)} … ${formatValue(b.upper[i]!, c.unit)}`;
    return `${b.timeframe}-day ${text}`;
  });
}

describe.skipIf(!existsSync(CHROMIUM))(
  existsSync(CHROMIUM)
    ? 'report in headless Chromium'
    : `report in headless Chromium (skipped: no ${CHROMIUM}; apt-get install chromium)`,
  () => {
    let browser: Browser;
    let url: string;
    let data: EmbeddedData;
    let expectedFlags: number;

    beforeAll(async () => {
      const set = await sampleSet();
      const html = renderReportHtml(buildReportModel(set, { ...OPTIONS, from: FROM, to: TO }), {
        input: 's',
        documents: 1,
      });
      data = embeddedData(html);
      expectedFlags = coreFlagCount(set, 'rolling', FROM, TO);
      url = await writeReport(html);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    }, NO_HANG_MS);

    afterAll(async () => {
      await browser?.close();
    });

    it(
      'draws every chart, one marker per core flag, and makes no network request',
      async () => {
        const { page, requests, errors } = await open(browser, url);
        const drawn = await seriesPixels(page);
        expect(drawn).toHaveLength(ASSETS.length * METRICS.length);
        for (const c of drawn) {
          expect(c.width).toBeGreaterThan(300);
          expect(c.dark).toBeGreaterThan(100);
        }
        const shown = await states(page);
        expect(shown.map((s) => s.markers)).toEqual(data.charts.map((c) => c.flags.length));
        expect(shown.reduce((s, f) => s + f.markers, 0)).toBe(expectedFlags);
        expect(requests).toEqual([url]);
        expect(errors).toEqual([]);
      },
      NO_HANG_MS,
    );

    it(
      "hovering a point shows its time, value and each timeframe's fences, on every chart of the asset",
      async () => {
        const { page } = await open(browser, url);
        const [before] = await states(page);
        const fx = 0.41;
        await page.mouse.move(...(await plotPoint(page, 0, fx)));
        const shown = await states(page);
        const price = data.charts[0]!;
        const i = nearestIndex(price.times, before!.xMin + fx * (before!.xMax - before!.xMin));
        const t = price.times[i]!;
        expect(shown[0]!.readout).toContain(
          `${when(t)} latest_price ${formatValue(price.values[i]!, 'USD')}`,
        );
        for (const text of fencesAt(price, i)) expect(shown[0]!.readout).toContain(text);
        const volume = data.charts[1]!;
        expect(volume.asset).toBe(price.asset);
        expect(shown[1]!.readout).toContain(`${when(t)} volume ${formatValue(volume.values[i]!, 'USD')}`);
        expect(shown[METRICS.length]!.readout).toMatch(/^Hover or tap the chart/); // another asset
      },
      NO_HANG_MS,
    );

    it(
      'dragging zooms to the selected range on every chart of the asset; double-click resets',
      async () => {
        const { page } = await open(browser, url);
        const [full] = await states(page);
        const span = full!.xMax - full!.xMin;
        await page.mouse.move(...(await plotPoint(page, 0, 0.3)));
        await page.mouse.down();
        await page.mouse.move(...(await plotPoint(page, 0, 0.6)), { steps: 6 });
        await page.mouse.up();
        const zoomed = await states(page);
        const pixel = span / 500; // two pixels of the ~1000 px plot
        expect(Math.abs(zoomed[0]!.xMin - (full!.xMin + 0.3 * span))).toBeLessThan(pixel);
        expect(Math.abs(zoomed[0]!.xMax - (full!.xMin + 0.6 * span))).toBeLessThan(pixel);
        const inRange = (c: ChartPayload) =>
          c.flags.filter((f) => f.time >= zoomed[0]!.xMin && f.time <= zoomed[0]!.xMax).length;
        for (let k = 0; k < METRICS.length; k++) {
          expect([zoomed[k]!.xMin, zoomed[k]!.xMax]).toEqual([zoomed[0]!.xMin, zoomed[0]!.xMax]);
          expect(zoomed[k]!.markers).toBe(inRange(data.charts[k]!));
          expect(zoomed[k]!.markers).toBeLessThan(data.charts[k]!.flags.length);
        }
        expect(zoomed[METRICS.length]).toMatchObject({ xMin: full!.xMin, xMax: full!.xMax });
        await page.mouse.dblclick(...(await plotPoint(page, 0, 0.5)));
        expect((await states(page))[0]).toMatchObject({ xMin: full!.xMin, xMax: full!.xMax });
      },
      NO_HANG_MS,
    );

    it(
      "the legend's checkbox hides one timeframe's markers on every chart, and shows them again",
      async () => {
        const { page } = await open(browser, url);
        const thirty = data.timeframes.indexOf(30);
        await page.locator(`input[data-toggle="${thirty}"]`).uncheck();
        expect((await states(page)).map((s) => s.markers)).toEqual(
          data.charts.map((c) => c.flags.filter((f) => f.timeframe !== 30).length),
        );
        await page.locator(`input[data-toggle="${thirty}"]`).check();
        expect((await states(page)).map((s) => s.markers)).toEqual(data.charts.map((c) => c.flags.length));
      },
      NO_HANG_MS,
    );

    it(
      "fits a phone's width without sideways scrolling, every chart still drawn, a tap shows the readout",
      async () => {
        const { page } = await open(browser, url, { width: 375, height: 740 }, true);
        expect(await page.$eval('html', (root) => root.scrollWidth)).toBeLessThanOrEqual(375);
        for (const c of await seriesPixels(page)) {
          expect(c.width).toBeGreaterThan(300);
          expect(c.width).toBeLessThanOrEqual(375);
          expect(c.dark).toBeGreaterThan(50);
        }
        await page.touchscreen.tap(...(await plotPoint(page, 0, 0.5)));
        expect((await states(page))[0]!.readout).toMatch(/^2022-\d\d-\d\d 00:00 UTC latest_price \$/);
      },
      NO_HANG_MS,
    );

    it(
      'prints without the interactive hints and controls',
      async () => {
        const { page } = await open(browser, url);
        await page.emulateMedia({ media: 'print' });
        const display = (selector: string) =>
          page.$eval(selector, (e) => e.ownerDocument.defaultView!.getComputedStyle(e).display);
        expect(await display('.hint')).toBe('none');
        expect(await display('.status')).toBe('none');
        expect(await display('input[data-toggle]')).toBe('none');
        expect(await display('figure.chart canvas')).toBe('block');
      },
      NO_HANG_MS,
    );

    it(
      'says "no data in the period" for a chart with nothing to draw, without a script error',
      async () => {
        const after = Date.UTC(2030, 0, 1);
        const model = buildReportModel(await sampleSet(), {
          ...OPTIONS,
          from: after,
          to: after + 86_400_000,
        });
        const { page, errors } = await open(
          browser,
          await writeReport(renderReportHtml(model, { input: 'x', documents: 0 })),
        );
        expect(await page.locator('figure.chart .plot').allTextContents()).toEqual(
          model.charts.map(() => 'no data in the period'),
        );
        expect(errors).toEqual([]);
      },
      NO_HANG_MS,
    );

    it(
      'draws values at the ends of the double range: no script error, markers equal flags, readable readout',
      async () => {
        const model = buildReportModel(hugeSet(), OPTIONS);
        const html = renderReportHtml(model, { input: 'huge', documents: HUGE_VALUES.length });
        const huge = embeddedData(html);
        const { page, errors } = await open(browser, await writeReport(html));
        expect(errors).toEqual([]);
        for (const c of await seriesPixels(page)) expect(c.dark).toBeGreaterThan(50);
        const shown = await states(page);
        expect(shown.map((s) => s.markers)).toEqual(huge.charts.map((c) => c.flags.length));
        for (const s of shown)
          expect([s.xMin, s.xMax]).toEqual([huge.charts[0]!.times[0], huge.charts[0]!.times.at(-1)]);
        const at = huge.charts[0]!.times.indexOf(Date.UTC(2022, 0, 7));
        await page.mouse.move(...(await plotPoint(page, 0, at / (HUGE_VALUES.length - 1))));
        const readout = (await states(page))[0]!.readout;
        expect(readout).toContain(
          `2022-01-07 00:00 UTC latest_price ${formatValue(Number.MAX_VALUE, 'USD')}`,
        );
        expect(readout).not.toMatch(/NaN|Infinity/);
      },
      NO_HANG_MS,
    );
  },
);
