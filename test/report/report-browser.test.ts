import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../lambdas/report/html-report.ts';
import { buildReportModel } from '../../lambdas/report/report-model.ts';
import { announceSkip } from '../support/announce-skip.ts';
import { ASSETS, coreFlagCount, FROM, METRICS, sampleSet, TO } from './report-fixture.ts';

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

announceSkip(
  'report in headless Chromium',
  existsSync(CHROMIUM) ? undefined : `no ${CHROMIUM}; apt-get install chromium`,
);

describe.skipIf(!existsSync(CHROMIUM))(
  `report in headless Chromium (skipped: no ${CHROMIUM}; apt-get install chromium)`,
  () => {
    it('draws every chart, one marker per core flag, and makes no network request', async () => {
      const set = await sampleSet();
      const options = {
        mode: 'rolling',
        closed: 'left',
        timeframes: [3, 7, 30],
        deviationLimit: 1.5,
        minSamples: 1,
      } as const;
      const html = renderReportHtml(buildReportModel(set, { ...options, from: FROM, to: TO }), {
        input: 's',
        documents: 1,
      });
      const file = join(await mkdtemp(join(tmpdir(), 'riskfence-report-')), 'report.html');
      await writeFile(file, html);
      const url = pathToFileURL(file).href;
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      try {
        const page = await browser.newPage();
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        await page.goto(url, { waitUntil: 'load' });
        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((svg) => ({
            series: svg.querySelector('path.series')?.getAttribute('d') ?? '',
            width: svg.getBoundingClientRect().width,
          })),
        );
        expect(charts).toHaveLength(ASSETS.length * METRICS.length);
        for (const c of charts) {
          expect(c.series).toMatch(/^M\S/);
          expect(c.width).toBeGreaterThan(300);
        }
        expect(await page.locator('[data-flag]').count()).toBe(coreFlagCount(set, 'rolling', FROM, TO));
        expect(requests).toEqual([url]);
      } finally {
        await browser.close();
      }
    });
  },
);
