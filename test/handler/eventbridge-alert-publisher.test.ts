import type { PutEventsCommand, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { ALERT_EVENT, EventBridgeAlertPublisher } from '../../lambdas/handler/eventbridge-alert-publisher.ts';
import { type AlertDetail, AlertPublishError } from '../../lambdas/service/alerts.ts';

const alert = (i: number): AlertDetail =>
  Object.freeze({
    id: `id-${i}`,
    asset: 'terra-luna',
    metric: 'latest_price',
    timeframe: 30,
    direction: 'low',
    score: 4.2,
    time: '2022-05-12T00:00:00.000Z',
    value: 0.0001,
    fences: { lower: 40, upper: 120 },
    asOf: '2022-05-15T00:00:00.000Z',
    mode: 'window',
    deviationLimit: 1.5,
    messageId: 'm-1',
  });

/** A PutEvents double: fails the entries whose detail id is in `failing` for the given number of calls. */
function events(failFor: Map<string, number>, throwing = false) {
  const calls: PutEventsCommand['input'][] = [];
  return {
    calls,
    async send(command: PutEventsCommand): Promise<PutEventsCommandOutput> {
      calls.push(command.input);
      if (throwing) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      const entries = (command.input.Entries ?? []).map((e) => {
        const id = JSON.parse(e.Detail!).id as string;
        const left = failFor.get(id) ?? 0;
        if (left > 0) {
          failFor.set(id, left - 1);
          return { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
        }
        return { EventId: `ev-${id}` };
      });
      return {
        Entries: entries,
        FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length,
        $metadata: {},
      };
    },
  };
}

const noWait = { attempts: 3, baseDelayMs: 1, sleep: async () => undefined };

describe('EventBridgeAlertPublisher', () => {
  it('puts one event per alert on the bus, 10 entries a call, source and detail-type fixed, detail the alert', async () => {
    const sender = events(new Map());
    const alerts = Array.from({ length: 23 }, (_, i) => alert(i));
    await new EventBridgeAlertPublisher(sender, 'riskfence-dev', noWait).publish(alerts);
    expect(sender.calls.map((c) => c.Entries!.length)).toEqual([10, 10, 3]);
    const first = sender.calls[0]!.Entries![0]!;
    expect(first).toMatchObject({
      EventBusName: 'riskfence-dev',
      Source: ALERT_EVENT.source,
      DetailType: 'Anomaly detected',
    });
    expect(JSON.parse(first.Detail!)).toEqual(alerts[0]);
  });

  it('retries only the entries that failed, until they are put', async () => {
    const sender = events(new Map([['id-3', 2]]));
    await new EventBridgeAlertPublisher(sender, 'b', noWait).publish([alert(1), alert(3)]);
    expect(sender.calls.map((c) => c.Entries!.map((e) => JSON.parse(e.Detail!).id))).toEqual([
      ['id-1', 'id-3'],
      ['id-3'],
      ['id-3'],
    ]);
  });

  it('fails with the count of unpublished alerts once the attempts are spent, or when the call throws', async () => {
    const stubborn = new EventBridgeAlertPublisher(events(new Map([['id-1', 9]])), 'b', noWait);
    const alerts = Array.from({ length: 12 }, (_, i) => alert(i));
    const error = await stubborn.publish(alerts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertPublishError);
    // id-1 never goes through, and the two alerts of the next call were never sent.
    expect((error as AlertPublishError).failed).toBe(3);
    const throwing = await new EventBridgeAlertPublisher(events(new Map(), true), 'b', noWait)
      .publish([alert(1)])
      .catch((e: unknown) => e);
    expect([(throwing as AlertPublishError).failed, (throwing as Error).message]).toEqual([
      1,
      '1 of 1 alerts not published to b: PutEvents failed (ThrottlingException: throttled)',
    ]);
  });
});
