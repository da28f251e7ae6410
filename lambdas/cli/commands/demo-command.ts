import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQSEvent } from 'aws-lambda';
import { loadServiceConfig } from '../../config/service-config.ts';
import { DAY_MS } from '../../core/detector-options.ts';
import { extent } from '../../core/extent.ts';
import { formatIso, toEpochMillis } from '../../core/timestamp.ts';
import { eventRowDays, MARKET_EVENTS, type MarketEvent } from '../../events/market-events.ts';
import { MemoryDeadLetterSink } from '../../handler/dead-letter-sink.ts';
import { invokeLocally, sqsRecord } from '../../handler/local-invocation.ts';
import { StreamLogger } from '../../handler/service-logger.ts';
import { parseRequest } from '../../requests/parse-request.ts';
import type { AlertDetail } from '../../service/alerts.ts';
import type { Anomaly } from '../../service/detect-job.ts';
import { FileDetectionStore } from '../../stores/file-store.ts';
import { defineCommand, ExitCode, InputError, write } from '../command.ts';
import { ALL_TIME } from '../series-flags.ts';
import { DEMO_SPEC } from '../specs/demo-spec.ts';

const SAMPLE = fileURLToPath(new URL('../../../sample/risk-scores-2022-2023.ndjson', import.meta.url));

/** Send time of every demo message, fixed so the demo prints the same every time. */
const SENT = Date.parse('2023-05-01T00:00:00Z');

/** A demo message: what it asks and, for event messages, the event it looks at. */
export interface DemoMessage {
  readonly messageId: string;
  readonly body: string;
  readonly label: string;
  readonly event?: MarketEvent;
}

/**
 * The demo batch for data covering `[first, last]` (epoch ms): a version-1
 * request for every asset with asOf just after each known event inside the
 * data, one message in each Python producer format, and one malformed body.
 *
 * @example
 * demoMessages(Date.parse('2022-01-01'), Date.parse('2023-04-30')).map((m) => m.messageId);
 */
export function demoMessages(first: number, last: number): DemoMessage[] {
  const events = MARKET_EVENTS.filter((e) => {
    const days = eventRowDays(e).map((d) => Date.parse(`${d}T00:00:00Z`));
    return days[0]! >= first && days[days.length - 1]! <= last;
  });
  return [
    ...events.map((event) => {
      const days = eventRowDays(event);
      const asOf = formatIso(Date.parse(`${days[days.length - 1]}T00:00:00Z`) + DAY_MS);
      return {
        messageId: `event-${event.id}`,
        body: JSON.stringify({ version: 1, asOf }),
        label: `${event.name} (${event.from}..${event.to})`,
        event,
      };
    }),
    {
      messageId: 'legacy-every-asset',
      body: JSON.stringify([{ date: '13-06-2022' }]),
      label: 'original producer format, every asset',
    },
    {
      messageId: 'legacy-named-assets',
      body: JSON.stringify([
        { assetName: 'bitcoin', date: '2022-06-18' },
        { assetName: 'ethereum', date: '2022-06-18' },
      ]),
      label: 'original producer format, named assets',
    },
    {
      messageId: 'malformed',
      body: '{"version": 1, "assets": ["bitcoin"], "asOf": "2022-05-15"',
      label: 'malformed (truncated JSON)',
    },
  ];
}

/**
 * `riskfence demo` (what `npm start` runs): the handler in-process on a
 * temporary copy of the bundled sample, with the batch of {@link demoMessages}.
 *
 * @example
 * await main(['demo', '--keep']);
 */
export const demoCommand = defineCommand(DEMO_SPEC, async (values, io) => {
  // The demo's store is the sample's format, whatever the caller's environment configures.
  const config = loadServiceConfig({});
  const dir = await mkdtemp(join(tmpdir(), 'riskfence-demo-'));
  let store: FileDetectionStore | undefined;
  try {
    const path = join(dir, 'risk-scores.ndjson');
    await copyFile(SAMPLE, path).catch((e: Error) => {
      throw new InputError(`cannot copy the bundled sample: ${e.message}`);
    });
    store = await FileDetectionStore.open(path, {
      assetField: config.mapping.assetField,
      timeField: config.mapping.timeField,
      anomaliesField: config.anomaliesField,
    });
    const times: number[] = [];
    const assets = new Set<unknown>();
    for await (const batch of store.read({ assets: null, ...ALL_TIME, metrics: [] })) {
      for (const d of batch.documents as Record<string, unknown>[]) {
        times.push(toEpochMillis(d[config.mapping.timeField]));
        assets.add(d[config.mapping.assetField]);
      }
    }
    const [first, last] = extent(times);
    const messages = demoMessages(first, last);
    const event: SQSEvent = {
      Records: messages.map((m) => sqsRecord({ messageId: m.messageId, body: m.body, sentTimestamp: SENT })),
    };
    const deadLetters = new MemoryDeadLetterSink();
    const started = performance.now();
    const run = await invokeLocally(event, {
      config,
      store,
      deadLetters,
      logger: new StreamLogger(io.stderr, { serviceName: config.serviceName, logLevel: 'SILENT' }),
    });
    const seconds = (performance.now() - started) / 1000;
    const reports = new Map(run.reports.map((r) => [r.messageId, r]));
    const out: string[] = [
      'riskfence demo — the Lambda handler in-process on real market data',
      `Sample: ${times.length.toLocaleString('en')} daily documents of ${assets.size} assets, ` +
        `${day(first)}..${day(last)} (CoinGecko snapshots at 00:00 UTC: a move on day D shows in the row of D+1)`,
      `Batch: ${messages.length} SQS messages (+${run.chunkRequests} chunk requests fanned out from the ` +
        `all-asset ones) → ${run.tally.recordsProcessed} records processed, ` +
        `${run.tally.invalidMessages} dead-lettered, ${run.tally.recordsFailed} failed; ` +
        `flags written to ${run.tally.flagsWritten.toLocaleString('en')} documents in ${seconds.toFixed(1)} s`,
      '',
    ];
    // An all-asset request is fanned out into chunk requests: their jobs carry the request's asOf.
    const own = new Set(messages.map((m) => m.messageId));
    const chunkJobs = run.reports.flatMap((r) =>
      r.status === 'processed' && !own.has(r.messageId) ? r.outcome.jobs : [],
    );
    const ctx = {
      sentTimestamp: SENT,
      metrics: config.mapping.metrics,
      defaults: { timeframes: config.timeframes, deviationLimit: config.deviationLimit },
    };
    for (const m of messages) {
      const report = reports.get(m.messageId);
      if (report?.status !== 'processed') continue;
      const asOfs = new Set(parseRequest(m.body, ctx).map((j) => j.asOf));
      const jobs = [...report.outcome.jobs, ...chunkJobs.filter((j) => asOfs.has(j.job.asOf))];
      const anomalies = jobs.flatMap((j) => j.anomalies);
      const days = [...asOfs].map(day).join(', ');
      const alerts = run.alerts.filter((a) => asOfs.has(Date.parse(a.asOf)));
      out.push(
        ...(m.event ? eventSection(m, anomalies, days, alerts) : otherSection(m, anomalies, days)),
        '',
      );
    }
    out.push('Dead-lettered (sent to the DLQ at once, with errorCode and errorMessage attributes):');
    for (const d of deadLetters.entries) out.push(`  ${d.messageId}: ${d.errorCode} — ${d.errorMessage}`);
    if (deadLetters.entries.length === 0) out.push('  none');
    for (const r of run.reports) {
      if (r.status === 'failed') out.push(`Failed (would be retried): ${r.messageId}: ${r.failure.message}`);
    }
    out.push(
      '',
      values.keep
        ? `Store kept: ${path} (flags under "anomalies"), run summaries: ${store.runsPath}`
        : 'The temporary store was removed; run `riskfence demo --keep` to inspect the flags written.',
    );
    await write(io.stdout, `${out.join('\n')}\n`);
    return run.fullBatchFailure ? ExitCode.InputError : ExitCode.Ok;
  } finally {
    await store?.close();
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
});

function eventSection(
  m: DemoMessage,
  anomalies: readonly Anomaly[],
  asOf: string,
  alerts: readonly AlertDetail[],
): string[] {
  const event = m.event!;
  const rows = new Set(eventRowDays(event));
  const onEvent = anomalies.filter((a) => rows.has(day(a.time)));
  const focus = event.assets === 'all' ? [...new Set(onEvent.map((a) => a.asset))] : event.assets;
  const lines = [`${m.label} — request for every asset as of ${asOf}`, `  ${event.fact}`];
  lines.push(`  Flags on the event rows (${[...rows][0]}..${[...rows].at(-1)}):`);
  for (const asset of focus) {
    const own = onEvent.filter((a) => a.asset === asset);
    if (own.length === 0) {
      lines.push(`    ${asset}: nothing flagged`);
      continue;
    }
    lines.push(`    ${asset}:`);
    for (const metric of [...new Set(own.map((a) => a.metric))]) {
      const cells = group(
        own.filter((a) => a.metric === metric),
        (a) => `${a.timeframe}d ${a.direction}`,
      );
      lines.push(`      ${metric.padEnd(22)} ${cells.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    }
  }
  if (event.assets !== 'all') {
    const others = group(
      onEvent.filter((a) => !focus.includes(a.asset)),
      (a) => a.asset,
    );
    lines.push(
      others.length === 0
        ? '    other assets: nothing flagged'
        : `    ${others.length} other assets have flags on these rows: ${others.map(([a, n]) => `${a} ${n}`).join(', ')}`,
    );
  }
  lines.push(...alertLines(alerts, focus, rows));
  return lines;
}

/** The alert events a request would publish, with the strongest on the event's own assets and rows. */
function alertLines(
  alerts: readonly AlertDetail[],
  focus: readonly string[],
  rows: ReadonlySet<string>,
): string[] {
  const strongest = alerts
    .filter((a) => focus.includes(a.asset) && rows.has(a.time.slice(0, 10)))
    .sort((a, b) => (b.score ?? -1) - (a.score ?? -1))
    .slice(0, 3);
  const lines = [`  Alerts (EventBridge "Anomaly detected" events, new verdicts only): ${alerts.length}`];
  for (const a of strongest) {
    const score = a.score === null ? 'IQR 0' : `score ${a.score.toFixed(2)}`;
    lines.push(
      `    ${a.asset} ${a.metric} ${a.timeframe}d ${a.direction}, ${score}, on ${a.time.slice(0, 10)} (id ${a.id.slice(0, 8)}…)`,
    );
  }
  return lines;
}

function otherSection(m: DemoMessage, anomalies: readonly Anomaly[], asOf: string): string[] {
  const byAsset = group(anomalies, (a) => a.asset);
  return [
    `${m.label}: ${m.body} — as of ${asOf}`,
    byAsset.length === 0
      ? '  nothing flagged'
      : `  ${anomalies.length} values flagged in ${byAsset.length} assets (${byAsset
          .map(([a, n]) => `${a} ${n}`)
          .join(', ')})`,
  ];
}

/** Counts by key, most frequent first (ties in first-seen order). */
function group<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

function day(ms: number): string {
  return formatIso(ms).slice(0, 10);
}
