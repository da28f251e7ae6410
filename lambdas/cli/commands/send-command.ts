import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError, loadServiceConfig } from '../../config/service-config.ts';
import {
  DEFAULT_DEVIATION_LIMIT,
  DEFAULT_METRICS,
  DEFAULT_TIMEFRAMES,
  type Mode,
} from '../../core/detector-options.ts';
import { composeRequests, type RequestFields } from '../../requests/compose-requests.ts';
import { InvalidMessageError } from '../../requests/invalid-message-error.ts';
import { parseRequest } from '../../requests/parse-request.ts';
import { ASSET_NAME } from '../../requests/request-limits.ts';
import { type SendReport, sendRequests } from '../../requests/send-requests.ts';
import { nameList, numberFlag, numberList } from '../args.ts';
import { type CliIo, defineCommand, ExitCode, InputError, UsageError, write } from '../command.ts';
import type { OptionValues } from '../options/option-spec.ts';
import { checkAsServiceVariable } from '../service-env.ts';
import { SEND_SPEC } from '../specs/send-spec.ts';

/**
 * `riskfence send`: sends detection requests to a queue; entries that fail
 * without a sender fault are retried with backoff (see `sendRequests`).
 *
 * @example
 * await main(['send', '--queue-url', url, '--assets', 'bitcoin']);
 */
export const sendCommand = defineCommand(SEND_SPEC, async (values, io) => {
  const queueUrl = values['queue-url']!;
  if (!URL.canParse(queueUrl)) throw new UsageError(`--queue-url: '${queueUrl}' is not a URL`);
  const assets = await assetList(values, io);
  const fields = requestFields(values);
  const messages = checkedMessages(assets, fields, io.env);
  const sqs = sqsClient(queueUrl, values.endpoint, values.region, io.env);
  try {
    const report = await sendRequests(
      sqs,
      queueUrl,
      messages.map((m) => m.body),
    );
    await printReport(report, messages, queueUrl, io);
    return report.failed.length === 0 ? ExitCode.Ok : ExitCode.InputError;
  } finally {
    sqs.destroy();
  }
});

type Values = OptionValues<typeof SEND_SPEC>;

async function assetList(values: Values, io: CliIo): Promise<string[] | null> {
  const listed = values.assets !== undefined || values['assets-file'] !== undefined;
  if (values.all && listed) throw new UsageError('--all cannot be combined with --assets or --assets-file');
  if (values.all) return null;
  if (!listed) throw new UsageError('which assets? give --assets, --assets-file or --all');
  const assets: string[] = [];
  if (values.assets !== undefined) {
    for (const name of nameList(values.assets)) {
      if (!ASSET_NAME.test(name))
        throw new UsageError(`--assets: ${JSON.stringify(name)} is not an asset name`);
      assets.push(name);
    }
  }
  const file = values['assets-file'];
  // A loop, not push(...list): an asset file can name a whole universe, more than a spread call takes.
  if (file !== undefined) for (const name of await assetsFromFile(resolve(io.cwd, file))) assets.push(name);
  if (assets.length === 0) throw new UsageError('no assets given');
  return assets;
}

async function assetsFromFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const assets: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!ASSET_NAME.test(line)) {
      throw new InputError(
        `${path} line ${i + 1}: ${JSON.stringify(line.slice(0, 40))} is not an asset name`,
      );
    }
    assets.push(line);
  });
  return assets;
}

function requestFields(values: Values): RequestFields {
  const { timeframes, mode } = values;
  const k = values['deviation-limit'];
  // The consumer's rules, checked here so that a bad value is named as the option the user typed.
  if (timeframes !== undefined) checkAsServiceVariable('--timeframes', 'TIMEFRAMES', timeframes);
  if (k !== undefined) checkAsServiceVariable('--deviation-limit', 'QUANTILE_DEVIATION_LIMIT', k);
  return {
    ...(values['as-of'] === undefined ? {} : { asOf: values['as-of'] }),
    ...(timeframes === undefined ? {} : { timeframes: numberList('--timeframes', timeframes) }),
    ...(values.metrics === undefined ? {} : { metrics: nameList(values.metrics) }),
    ...(k === undefined ? {} : { deviationLimit: numberFlag('--deviation-limit', k) }),
    ...(mode === undefined ? {} : { mode: mode as Mode }),
  };
}

/** One message to send: its body and how many assets it names (`null`: every asset). */
interface OutgoingMessage {
  readonly body: string;
  readonly assetCount: number | null;
}

/** The messages, each body accepted by the consumer's parser (else a usage error naming the field). */
function checkedMessages(
  assets: string[] | null,
  fields: RequestFields,
  env: CliIo['env'],
): OutgoingMessage[] {
  // The deployment's metrics are known here only through METRICS; without it, the consumer checks the names.
  const metrics = env.METRICS?.trim() ? configuredMetrics(env.METRICS) : (fields.metrics ?? DEFAULT_METRICS);
  const ctx = {
    sentTimestamp: Date.now(),
    metrics,
    defaults: { timeframes: DEFAULT_TIMEFRAMES, deviationLimit: DEFAULT_DEVIATION_LIMIT },
  };
  return composeRequests(assets, fields).map((request) => {
    const body = JSON.stringify(request);
    try {
      parseRequest(body, ctx);
    } catch (e) {
      if (e instanceof InvalidMessageError)
        throw new UsageError(`the request would be rejected: ${e.message}`);
      throw e;
    }
    return { body, assetCount: request.assets?.length ?? null };
  });
}

function configuredMetrics(text: string): readonly string[] {
  try {
    return loadServiceConfig({ METRICS: text }).mapping.metrics;
  } catch (e) {
    if (e instanceof ConfigError) throw new InputError(e.message);
    throw e;
  }
}

function sqsClient(
  queueUrl: string,
  endpoint: string | undefined,
  region: string | undefined,
  env: CliIo['env'],
) {
  const chosen = region ?? regionOf(queueUrl) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (chosen === undefined) throw new UsageError('no region: give --region or set AWS_REGION');
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN } = env;
  return new SQSClient({
    region: chosen,
    ...(endpoint === undefined ? {} : { endpoint }),
    // The injected environment's keys win, so that the command does what its io says; else the default chain.
    ...(accessKeyId && secretAccessKey
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
  });
}

/** `us-east-1` from `https://sqs.us-east-1.amazonaws.com/123456789012/requests`. */
function regionOf(queueUrl: string): string | undefined {
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(queueUrl).hostname)?.[1];
}

async function printReport(
  report: SendReport,
  messages: readonly OutgoingMessage[],
  queueUrl: string,
  io: CliIo,
): Promise<void> {
  const describe = (i: number) => {
    const n = messages[i]!.assetCount;
    return n === null ? 'every asset' : `${n} asset${n === 1 ? '' : 's'}`;
  };
  const lines = report.sent.map((s) => `${s.messageId}  message ${s.index + 1}: ${describe(s.index)}\n`);
  const count = (list: readonly { index: number }[]) =>
    list.reduce((sum, m) => sum + (messages[m.index]!.assetCount ?? 0), 0);
  const total =
    messages[0]?.assetCount === null
      ? 'every asset'
      : `${count(report.sent)} of ${count(report.sent) + count(report.failed)} assets`;
  lines.push(
    `sent ${report.sent.length} of ${messages.length} message${messages.length === 1 ? '' : 's'} (${total}) ` +
      `in ${report.calls} SendMessageBatch call${report.calls === 1 ? '' : 's'} to ${queueUrl}` +
      `${report.retried > 0 ? ` (${report.retried} entries retried after failures without sender fault)` : ''}\n`,
  );
  await write(io.stdout, lines.join(''));
  if (report.failed.length > 0) {
    const failures = report.failed.map(
      (f) => `failed: message ${f.index + 1} (${describe(f.index)}): ${f.code}: ${f.message}\n`,
    );
    await write(io.stderr, failures.join(''));
  }
}
