import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mongoInitClientOptions } from '../../lambdas/cli/commands/mongo-init-command.ts';
import { explainIndexConflicts } from '../../lambdas/cli/index-conflict.ts';
import { uriTimeouts } from '../../lambdas/cli/mongo-client.ts';
import { cursorReply, errorReply } from '../support/mongo-wire/replies.ts';
import { ScriptedResponder } from '../support/mongo-wire/scripted-responder.ts';
import { asBson, SOURCE_NS } from '../support/mongo-wire/wire-fixtures.ts';
import { runCli, tempDir, writeNdjson } from './detect-fake-io.ts';

// The CLI's MongoDB path through the real driver against the scripted wire responder (no query
// engine: it answers what each test scripts). Runs against a real server are the CI workflow's.

const HOUR = 3_600_000;
/** One asset, hourly, with one volume spike; times as Extended JSON dates, as mongoexport writes them. */
const DOCS = Object.freeze(
  [10, 11, 12, 11, 10, 13, 12, 11, 95, 12].map((volume, i) =>
    Object.freeze({
      _id: `btc:${i}`,
      coin_id: 'btc',
      timestamp: { $date: new Date(Date.UTC(2024, 0, 1) + i * HOUR).toISOString() },
      volume,
    }),
  ),
);
const VOLUME = ['--metrics', 'volume', '--timeframes', '1', '--format', 'json'];
/** A closed loopback port: every connection is refused at once. */
const UNREACHABLE =
  'mongodb://reader:Sup3rSecret@127.0.0.1:9/?directConnection=true&serverSelectionTimeoutMS=300';

const dir = tempDir();
const responder = ScriptedResponder.forSuite();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const uri = () => `${responder.uri}/?directConnection=true&serverSelectionTimeoutMS=800`;

describe('riskfence detect, report and invoke on MongoDB', () => {
  it('detect --mongodb-uri reads with the service query and prints what it prints for the same file', async () => {
    responder.script(
      { command: 'find', collection: 'risk_scores' },
      { reply: cursorReply(SOURCE_NS, asBson(DOCS)) },
    );
    const fromMongo = await runCli([
      'detect',
      '--mongodb-uri',
      uri(),
      '--as-of',
      '2024-01-01T10:00:00Z',
      ...VOLUME,
    ]);
    expect(fromMongo.stderr).toBe('');
    expect(fromMongo.code).toBe(0);
    const file = writeNdjson(dir, 'docs.ndjson', DOCS);
    const fromFile = await runCli(['detect', '--input', file, '--as-of', '2024-01-01T10:00:00Z', ...VOLUME]);
    expect(JSON.parse(fromMongo.stdout)).toEqual(JSON.parse(fromFile.stdout));
    const [find] = responder.commands('find', 'risk_scores');
    expect(find!.db).toBe('riskfence');
    expect(find!.body).toMatchObject({
      filter: {
        timestamp: { $gte: new Date('2023-12-31T10:00:00Z'), $lt: new Date('2024-01-01T10:00:00Z') },
      },
      projection: { coin_id: 1, timestamp: 1, volume: 1, anomalies: 1 },
      sort: { coin_id: 1, timestamp: 1 },
    });
  });

  it('takes the database, collection and asset list from the options, and MONGODB_URI from the environment', async () => {
    const ns = 'dev.scores';
    responder.script({ command: 'find', collection: 'scores' }, { reply: cursorReply(ns, asBson(DOCS)) });
    const run = await runCli(
      ['detect', '--database', 'dev', '--collection', 'scores', '--assets', 'btc', ...VOLUME],
      {
        env: { MONGODB_URI: uri() },
      },
    );
    expect(run.code).toBe(0);
    const [find] = responder.commands('find', 'scores');
    expect(find!.db).toBe('dev');
    expect(find!.body.filter).toMatchObject({ coin_id: { $in: ['btc'] } });
  });

  it('invoke --mongodb-uri runs the handler on the database and prints the same counts as with a file', async () => {
    responder.script(
      { command: 'find', collection: 'risk_scores' },
      { reply: cursorReply(SOURCE_NS, asBson(DOCS)) },
    );
    const event = join(dir, 'event.json');
    const body = JSON.stringify({
      version: 1,
      assets: ['btc'],
      asOf: '2024-01-01T10:00:00Z',
      timeframes: [1],
      metrics: ['volume'],
    });
    await writeFile(
      event,
      JSON.stringify({ Records: [{ messageId: 'm1', body, attributes: { SentTimestamp: '0' } }] }),
    );
    const run = await runCli(['invoke', '--event', event, '--mongodb-uri', uri()], {
      env: { METRICS: 'volume' },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      recordsProcessed: 1,
      documentsRead: DOCS.length,
      batchItemFailures: [],
    });
    expect(responder.commands('ping').length).toBeGreaterThan(0);
    expect(responder.commands('update', 'risk_scores').length).toBeGreaterThan(0);
  });

  it.each([
    [['detect', '--mongodb-uri', UNREACHABLE], 'riskfence detect: cannot read riskfence.risk_scores: '],
    [['report', '--mongodb-uri', UNREACHABLE], 'riskfence report: cannot read riskfence.risk_scores: '],
    [['evaluate', '--mongodb-uri', UNREACHABLE], 'riskfence evaluate: cannot read riskfence.risk_scores: '],
    [
      ['invoke', '--event', 'examples/sqs-event.json', '--mongodb-uri', UNREACHABLE],
      'riskfence invoke: cannot use MongoDB database riskfence: ',
    ],
  ])('%j: an unreachable server is one line and exit 1, without the credentials', async (argv, start) => {
    const started = performance.now();
    const run = await runCli(argv);
    expect(run.code).toBe(1);
    expect(run.stderr.startsWith(start)).toBe(true);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toContain('Sup3rSecret');
    // The URI's own serverSelectionTimeoutMS (300 ms) wins over the Lambda's 5 s.
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it.each([
    [
      ['detect', '-i', 'x.ndjson', '--mongodb-uri', 'mongodb://h'],
      2,
      'give --input or --mongodb-uri, not both',
    ],
    [['detect'], 2, '--input FILE is required (or --mongodb-uri URI, or $MONGODB_URI)'],
    [['detect', '--mongodb-uri', 'http://h'], 1, 'invalid connection string'],
  ])('%j exits %i: %s', async (argv, code, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
  });
});

describe('riskfence mongo-init', () => {
  it('has no socket timeout, so a long index build is waited for, and says it is building', async () => {
    expect(mongoInitClientOptions(5_000)).toEqual({
      serverSelectionTimeoutMS: 5_000,
      connectTimeoutMS: 5_000,
      socketTimeoutMS: 0,
    });
    responder.script({ command: 'createIndexes' }, { delayMs: 1_200 });
    // A slow build (here 1.2 s) is announced and waited for.
    const run = await runCli(['mongo-init', '--mongodb-uri', uri()]);
    expect(run.stderr).toContain('can take minutes: waiting for it');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'indexes ready:\n  riskfence.risk_scores: coin_id_1_timestamp_1\n  riskfence.anomaly_runs: asset_1_asOf_1_paramsHash_1\n',
    );
  });

  it('explains code 85: which index holds the key, how it differs, what to do', async () => {
    responder.script(
      { command: 'createIndexes', collection: 'anomaly_runs' },
      {
        reply: errorReply({
          code: 85,
          codeName: 'IndexOptionsConflict',
          errmsg: 'Index already exists with a different name: runs_key',
        }),
      },
    );
    responder.script(
      { command: 'listIndexes', collection: 'anomaly_runs' },
      {
        reply: cursorReply('riskfence.anomaly_runs', [
          { v: 2, key: { _id: 1 }, name: '_id_' },
          { v: 2, key: { asset: 1, asOf: 1, paramsHash: 1 }, name: 'runs_key' },
        ]),
      },
    );
    const run = await runCli(['mongo-init', '--mongodb-uri', uri()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "riskfence mongo-init: an existing index conflicts with riskfence's (server code 85): riskfence.anomaly_runs: " +
        'index \'runs_key\' has the key {"asset":1,"asOf":1,"paramsHash":1} but is not unique (riskfence needs it unique); ' +
        'drop it (db.anomaly_runs.dropIndex("runs_key")) and rerun mongo-init; the run key must be unique',
    );
  });
});

describe('explainIndexConflicts', () => {
  const source = { collection: 'source', key: { coin_id: 1, timestamp: 1 }, unique: false } as const;
  const runs = { collection: 'runs', key: { asset: 1, asOf: 1, paramsHash: 1 }, unique: true } as const;
  const at = (
    plan: typeof source | typeof runs,
    existing: { name: string; key: Record<string, number>; unique?: boolean }[],
  ) => ({
    plan,
    where: `riskfence.${plan.collection}`,
    collection: plan.collection,
    existing,
  });
  it.each([
    ['no clash', [at(source, [{ name: 'coin_id_1_timestamp_1', key: { coin_id: 1, timestamp: 1 } }])], []],
    [
      'the same key under another name',
      [at(source, [{ name: 'by_coin', key: { coin_id: 1, timestamp: 1 } }])],
      [
        'riskfence.source: index \'by_coin\' has the key {"coin_id":1,"timestamp":1} under another name than riskfence\'s ' +
          "'coin_id_1_timestamp_1'; it serves the service as it is; to let mongo-init manage it, drop it " +
          '(db.source.dropIndex("by_coin")) and rerun',
      ],
    ],
    [
      "riskfence's name on another key",
      [at(source, [{ name: 'coin_id_1_timestamp_1', key: { coin_id: 1 } }])],
      [
        "riskfence.source: index 'coin_id_1_timestamp_1' has riskfence's name but the key {\"coin_id\":1} instead of " +
          '{"coin_id":1,"timestamp":1}; drop it (db.source.dropIndex("coin_id_1_timestamp_1")) and rerun mongo-init',
      ],
    ],
    [
      'a unique run key as wanted',
      [at(runs, [{ name: 'asset_1_asOf_1_paramsHash_1', key: runs.key, unique: true }])],
      [],
    ],
  ])('%s', (_, planned, messages) => {
    expect(explainIndexConflicts(planned)).toEqual(messages);
  });
});

describe('uriTimeouts', () => {
  it.each([
    ['mongodb://h/?serverSelectionTimeoutMS=300', { serverSelectionTimeoutMS: 300 }],
    [
      'mongodb+srv://u:p@a,b/db?retryWrites=true&SOCKETTIMEOUTMS=0&connectTimeoutMS=20',
      { socketTimeoutMS: 0, connectTimeoutMS: 20 },
    ],
    ['mongodb://h/?serverSelectionTimeoutMS=soon', {}],
    ['mongodb://h', {}],
  ])('%s gives %j', (uri, expected) => {
    expect(uriTimeouts(uri)).toEqual(expected);
  });
});
