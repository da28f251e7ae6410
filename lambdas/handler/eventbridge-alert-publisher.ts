import {
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { type AlertDetail, AlertPublishError, type AlertPublisher } from '../service/alerts.ts';

/** Most entries EventBridge takes in one PutEvents call. */
export const MAX_PUT_EVENTS_ENTRIES = 10;

/** The `source` and `detail-type` of every alert event: what an EventBridge rule matches on. */
export const ALERT_EVENT = Object.freeze({ source: 'riskfence', detailType: 'Anomaly detected' });

/** The part of an `EventBridgeClient` publishing needs (so tests can pass a double). */
export interface EventsSender {
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

/** How failed entries are retried. */
export interface PublishRetry {
  /** Attempts per entry, the first included. @default 4 */
  readonly attempts: number;
  /** Base of the exponential backoff with full jitter, ms. @default 100 */
  readonly baseDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

const DEFAULT_RETRY: PublishRetry = {
  attempts: 4,
  baseDelayMs: 100,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Publishes alerts as EventBridge events on a bus: `PutEvents` with at most 10
 * entries a call; entries the response lists as failed (`FailedEntryCount`,
 * an `ErrorCode` per entry) are retried with backoff, and whatever is still
 * unpublished after the last attempt — or a call that throws — fails with
 * {@link AlertPublishError}, so the record is retried and nothing is lost
 * (delivery is at least once; each detail carries a stable `id`).
 *
 * @example
 * const publisher = new EventBridgeAlertPublisher(tracer.captureAWSv3Client(new EventBridgeClient({})), 'riskfence-prod');
 * await publisher.publish(alerts);
 */
export class EventBridgeAlertPublisher implements AlertPublisher {
  readonly #events: EventsSender;
  readonly #busName: string;
  readonly #retry: PublishRetry;

  constructor(events: EventsSender, busName: string, retry: PublishRetry = DEFAULT_RETRY) {
    this.#events = events;
    this.#busName = busName;
    this.#retry = retry;
  }

  async publish(alerts: readonly AlertDetail[]): Promise<void> {
    for (let i = 0; i < alerts.length; i += MAX_PUT_EVENTS_ENTRIES) {
      let pending = alerts.slice(i, i + MAX_PUT_EVENTS_ENTRIES).map((a) => this.#entry(a));
      const later = Math.max(0, alerts.length - i - MAX_PUT_EVENTS_ENTRIES);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > this.#retry.attempts) {
          throw new AlertPublishError(
            `${pending.length + later} of ${alerts.length} alerts not published to ${this.#busName}: entries still failing after ${this.#retry.attempts} attempts`,
            pending.length + later,
          );
        }
        if (attempt > 1)
          await this.#retry.sleep(Math.random() * this.#retry.baseDelayMs * 2 ** (attempt - 2));
        let output: PutEventsCommandOutput;
        try {
          output = await this.#events.send(new PutEventsCommand({ Entries: pending }));
        } catch (e) {
          const error = e as Error;
          throw new AlertPublishError(
            `${pending.length + later} of ${alerts.length} alerts not published to ${this.#busName}: PutEvents failed (${error.name}: ${error.message})`,
            pending.length + later,
            { cause: e },
          );
        }
        // Entries answer in request order; a failed one has an ErrorCode and no EventId.
        const results = output.Entries ?? [];
        pending = pending.filter((_, k) => results[k]?.EventId === undefined);
      }
    }
  }

  #entry(alert: AlertDetail): PutEventsRequestEntry {
    return {
      EventBusName: this.#busName,
      Source: ALERT_EVENT.source,
      DetailType: ALERT_EVENT.detailType,
      Resources: [],
      Detail: JSON.stringify(alert),
    };
  }
}
