import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../lambdas/cli/command.ts';
import { main } from '../../lambdas/cli/main.ts';
import { DEFAULT_METRICS } from '../../lambdas/core/detector-options.ts';
import { parseRequest } from '../../lambdas/requests/parse-request.ts';
import { announceSkip } from '../support/announce-skip.ts';
import {
  type MotoServer,
  motoServerMissing,
  motoSqsClient,
  startMotoServer,
} from '../support/moto-server.ts';
import { receiveAll } from '../support/sqs-poller.ts';

const ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

/** Runs `riskfence ...` in-process with captured streams. */
async function run(argv: string[], env: Record<string, string> = ENV, cwd = process.cwd()) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const io: CliIo = { stdin: new PassThrough(), stdout, stderr, env, cwd, stderrIsTTY: false };
  const code = await main(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const ctx = {
  sentTimestamp: 0,
  metrics: DEFAULT_METRICS,
  defaults: { timeframes: [3, 7, 30], deviationLimit: 1.5 },
};

describe('riskfence send: flags', () => {
  it.each([
    [['send', '--assets', 'bitcoin'], /--queue-url URL is required/],
    [['send', '--queue-url', 'not a url', '--all'], /--queue-url: 'not a url' is not a URL/],
    [['send', '--queue-url', 'http://127.0.0.1:9/q'], /which assets\?/],
    [['send', '--queue-url', 'http://127.0.0.1:9/q', '--all', '--assets', 'a'], /--all cannot be combined/],
    [
      ['send', '--queue-url', 'http://127.0.0.1:9/q', '--assets', 'bitcoin,$where'],
      /--assets: "\$where" is not an asset name/,
    ],
    [
      ['send', '--queue-url', 'http://127.0.0.1:9/q', '--all', '--timeframes', '0'],
      /--timeframes '0': each of --timeframes must be at least 1 day/,
    ],
    [
      ['send', '--queue-url', 'http://127.0.0.1:9/q', '--all', '--timeframes', '1.5'],
      /--timeframes '1.5': each of --timeframes must be a whole number of days/,
    ],
    [
      ['send', '--queue-url', 'http://127.0.0.1:9/q', '--all', '--deviation-limit', '101'],
      /--deviation-limit '101': must be <= 100/,
    ],
    [
      ['send', '--queue-url', 'http://127.0.0.1:9/q', '--all', '--as-of', '2022-02-30'],
      /asOf: impossible date/,
    ],
    [
      ['send', '--queue-url', 'http://127.0.0.1:9/q', '--all', '--mode', 'sliding'],
      /--mode: 'sliding' is not one of window, rolling/,
    ],
    [['send', '--queue-url', 'http://127.0.0.1:9/q', '--all', '--region'], /--region/],
    [['send', '--queue-url', 'http://127.0.0.1:9/q', '--all', '--bogus'], /bogus/],
  ])('%j exits 2 naming the problem', async (argv, message) => {
    const result = await run(argv);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: riskfence send');
    expect(result.code).toBe(2);
  });

  it('checks --metrics against METRICS when it is set', async () => {
    const argv = ['send', '--queue-url', 'http://127.0.0.1:9/q', '--all', '--metrics', 'price'];
    const result = await run(argv, { ...ENV, METRICS: 'volume,latest_price' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /metrics\[0\]: "price" is not a configured metric \(volume, latest_price\)/,
    );
  });

  it('exits 1 on an invalid METRICS variable', async () => {
    const result = await run(['send', '--queue-url', 'http://127.0.0.1:9/q', '--all'], {
      ...ENV,
      METRICS: '$bad',
    });
    expect(result).toMatchObject({ code: 1, stderr: expect.stringMatching(/METRICS/) });
  });

  it('needs a region when the queue URL does not name one', async () => {
    const result = await run(['send', '--queue-url', 'http://127.0.0.1:9/q', '--all'], ENV);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/no region/) });
  });
});

describe('riskfence send: assets files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'riskfence-send-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the line of an invalid asset and exits 1', async () => {
    await writeFile(join(dir, 'bad.txt'), '# universe\nbitcoin\n\nethereum\n{"$gt": ""}\n');
    const result = await run(
      ['send', '--queue-url', 'http://127.0.0.1:9/q', '--assets-file', 'bad.txt'],
      ENV,
      dir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.txt line 5: "\{\\"\$gt\\": \\"\\"}" is not an asset name/);
  });

  it('exits 1 when the file cannot be read', async () => {
    const result = await run(
      ['send', '--queue-url', 'http://127.0.0.1:9/q', '--assets-file', 'missing.txt'],
      ENV,
      dir,
    );
    expect(result).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot read .*missing\.txt/) });
  });
});

const missing = motoServerMissing();
announceSkip('riskfence send to moto_server', missing);

describe.skipIf(missing)(`riskfence send to moto_server${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let moto: MotoServer;
  let sqs: SQSClient;
  let dir: string;
  let queueNumber = 0;

  beforeAll(async () => {
    moto = await startMotoServer();
    sqs = motoSqsClient(moto.endpoint);
    dir = await mkdtemp(join(tmpdir(), 'riskfence-send-'));
  });
  afterAll(async () => {
    sqs?.destroy();
    await moto?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const newQueue = async () =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `send-${++queueNumber}` }))).QueueUrl!;
  const target = (queueUrl: string) => [
    '--queue-url',
    queueUrl,
    '--endpoint',
    moto.endpoint,
    '--region',
    'us-east-1',
  ];

  it('sends the listed assets with every option, and the consumer parses the message back', async () => {
    const queueUrl = await newQueue();
    const result = await run([
      'send',
      ...target(queueUrl),
      '--assets',
      'ethereum,bitcoin,bitcoin',
      '--as-of',
      '2022-05-12T00:00:00Z',
      '--timeframes',
      '7,30',
      '--deviation-limit',
      '3',
      '--metrics',
      'volume,latest_price',
      '--mode',
      'rolling',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/message 1: 2 assets\n/);
    expect(result.stdout).toMatch(/sent 1 of 1 message \(2 of 2 assets\) in 1 SendMessageBatch call to /);
    const [message, ...rest] = await receiveAll(sqs, queueUrl);
    expect(rest).toEqual([]);
    expect(JSON.parse(message!.Body!)).toEqual({
      version: 1,
      assets: ['ethereum', 'bitcoin'],
      asOf: '2022-05-12T00:00:00Z',
      timeframes: [7, 30],
      metrics: ['volume', 'latest_price'],
      deviationLimit: 3,
      mode: 'rolling',
    });
    expect(parseRequest(message!.Body!, ctx)).toEqual([
      {
        assets: ['bitcoin', 'ethereum'],
        asOf: Date.parse('2022-05-12T00:00:00Z'),
        timeframes: [7, 30],
        metrics: ['latest_price', 'volume'],
        deviationLimit: 3,
        mode: 'rolling',
      },
    ]);
  });

  it('splits 12,000 assets (file plus flag) into 12 messages of 1000 and sends them in 2 calls', async () => {
    const queueUrl = await newQueue();
    const universe = Array.from({ length: 12_000 }, (_, i) => `coin-${String(i).padStart(5, '0')}`);
    await writeFile(join(dir, 'universe.txt'), `# every coin\n${universe.slice(1).join('\n')}\n`);
    const result = await run(
      ['send', ...target(queueUrl), '--assets', universe[0]!, '--assets-file', 'universe.txt'],
      ENV,
      dir,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /sent 12 of 12 messages \(12000 of 12000 assets\) in 2 SendMessageBatch calls/,
    );
    const messages = await receiveAll(sqs, queueUrl);
    const jobs = messages.flatMap((m) => parseRequest(m.Body!, ctx));
    expect(jobs.map((j) => j.assets!.length)).toEqual(Array(12).fill(1000));
    expect(jobs.flatMap((j) => j.assets).sort()).toEqual(universe);
    expect(new Set(messages.map((m) => m.MessageId)).size).toBe(12);
  });

  it('leaves metric names to the consumer when METRICS is not set', async () => {
    const queueUrl = await newQueue();
    const result = await run(['send', ...target(queueUrl), '--all', '--metrics', 'custom_score']);
    expect(result.code).toBe(0);
    const messages = await receiveAll(sqs, queueUrl);
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([{ version: 1, metrics: ['custom_score'] }]);
  });

  it('sends one every-asset message for --all', async () => {
    const queueUrl = await newQueue();
    const result = await run(['send', ...target(queueUrl), '--all']);
    expect(result.stdout).toMatch(/message 1: every asset\nsent 1 of 1 message \(every asset\)/);
    const messages = await receiveAll(sqs, queueUrl);
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([{ version: 1 }]);
  });

  it('reports the messages that were not sent and exits 1 when the queue does not exist', async () => {
    const result = await run([
      'send',
      ...target(`${moto.endpoint}/123456789012/no-such-queue`),
      '--assets',
      'bitcoin',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/sent 0 of 1 message/);
    expect(result.stderr).toMatch(/failed: message 1 \(1 asset\): QueueDoesNotExist: /);
  });

  it('works as a process from bin/riskfence.js with credentials from the environment', async () => {
    const queueUrl = await newQueue();
    const child = spawnSync(
      process.execPath,
      ['bin/riskfence.js', 'send', ...target(queueUrl), '--assets', 'bitcoin,ethereum'],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...ENV, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        timeout: 30_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/sent 1 of 1 message \(2 of 2 assets\)/);
    const [message] = await receiveAll(sqs, queueUrl);
    expect(parseRequest(message!.Body!, ctx)[0]!.assets).toEqual(['bitcoin', 'ethereum']);
  });
});
