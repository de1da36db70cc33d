/**
 * The queue consumer of a headless worker: takes one message at a time, leases it while its
 * task runs (renewing the lease as needed; a task whose lease is lost is given up), deletes it
 * when the task is finished or was already, makes it visible again when the task fails, and
 * moves it to the dead-letter queue once it has been tried `max_receive` times. What a message
 * means and how a task is computed are the host's: `resolveTask` and `execute`.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { TaskOutcome } from '../protocol.js';
import { beat } from './heartbeat.js';
import { MessageLease, type LeaseSettings } from './lease.js';
import { queueError } from './queue-url.js';
import { parseTaskMessage, type TaskMessage } from './task-message.js';
import type { EventDetails, WorkerLog } from './worker-log.js';

export interface QueueConsumerSettings extends LeaseSettings {
  queueUrl: string;
  /** Where messages go after `maxReceive` tries; without one they are logged and dropped. */
  deadLetterQueueUrl?: string;
  /** Tries of a message before it goes to the dead-letter queue: `max_receive`. */
  maxReceive: number;
  /** Seconds between checks of a running task's lease, deadline and heartbeat: `future_poll_interval`. */
  pollIntervalSeconds: number;
  /** A task running longer fails; 0 = no limit: `max_processing_time`. */
  maxProcessingSeconds: number;
  /** Long-poll wait of each receive (SQS allows 0 to 20). */
  waitTimeSeconds: number;
  /** Empty receives in a row after which the worker asks whether the queue is drained. */
  idlePolls: number;
  /** Seconds a task may go on after a stop is asked before its message is released. */
  gracePeriodSeconds: number;
  heartbeatFile?: string;
}

/** What the host supplies: the task a message names, and a way to compute it. */
export interface QueueTaskHandlers<Task> {
  resolveTask(message: TaskMessage): Promise<Task>;
  /** Computes the task; on `signal` it gives up promptly and rejects. */
  execute(task: Task, signal: AbortSignal): Promise<TaskOutcome>;
}

export interface ConsumerControl {
  /** Aborted: take no new message, and give the current task the grace period to finish. */
  stop: AbortSignal;
  /** Aborted: give the current task up now and release its message. */
  stopNow?: AbortSignal;
  log: WorkerLog;
}

export interface ConsumerSummary {
  finished: number;
  skipped: number;
  /** Failed tries whose messages went back to the queue for another. */
  failed: number;
  /** Messages given back unfinished because the worker was stopped. */
  released: number;
  deadLettered: number;
  ended: 'drained' | 'stopped';
}

type MessageEnd = Exclude<keyof ConsumerSummary, 'ended'>;

/** Why a running task was given up by the consumer rather than failing by itself. */
class TaskInterruption extends Error {
  constructor(
    readonly kind: 'timeout' | 'stopping' | 'lease-lost',
    message: string,
  ) {
    super(message);
  }
}

const RECEIVE_ERRORS_BEFORE_GIVING_UP = 5;
const RECEIVE_RETRY_MS = 2_000;
// SQS keeps at most 10 attributes per message.
const MAX_MESSAGE_ATTRIBUTES = 10;

export async function consumeQueue<Task>(
  client: SQSClient,
  settings: QueueConsumerSettings,
  handlers: QueueTaskHandlers<Task>,
  control: ConsumerControl,
): Promise<ConsumerSummary> {
  const { log } = control;
  const { queueUrl } = settings;
  const anyStop = control.stopNow ? AbortSignal.any([control.stop, control.stopNow]) : control.stop;
  const summary: ConsumerSummary = { finished: 0, skipped: 0, failed: 0, released: 0, deadLettered: 0, ended: 'stopped' };

  const setVisibility = (message: Message, seconds: number) =>
    client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: seconds })).then(() => undefined);
  const remove = (message: Message) => client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));

  /** Visible again to every worker, now; a failure to say so only delays the retry to the lease's end. */
  const release = async (message: Message, details: EventDetails) => {
    try {
      await setVisibility(message, 0);
    } catch (e) {
      log.event('warn', 'release-failed', { ...details, error: oneLine(e) });
    }
  };

  const deadLetter = async (message: Message, details: EventDetails, reason: string): Promise<MessageEnd> => {
    const target = settings.deadLetterQueueUrl;
    try {
      if (target) {
        await client.send(
          new SendMessageCommand({ QueueUrl: target, MessageBody: message.Body ?? '', MessageAttributes: withError(message.MessageAttributes, reason) }),
        );
      }
      await remove(message);
    } catch (e) {
      log.event('error', 'dead-letter-failed', { ...details, error: oneLine(e) });
      await release(message, details);
      return 'failed';
    }
    if (target) log.event('error', 'dead-lettered', { ...details, reason, deadLetterQueue: target });
    else log.event('error', 'dropped', { ...details, reason, body: message.Body, note: 'no dead-letter queue: set dlq or a redrive policy' });
    return 'deadLettered';
  };

  const handle = async (message: Message, receivedAtMs: number): Promise<MessageEnd> => {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    const ids: EventDetails = { messageId: message.MessageId, receiveCount };
    let taskMessage: TaskMessage;
    try {
      taskMessage = parseTaskMessage(message.Body);
    } catch (e) {
      return deadLetter(message, ids, oneLine(e));
    }
    const details: EventDetails = { task: taskMessage.task, ...ids };
    if (receiveCount > settings.maxReceive) {
      // Its earlier tries ended with no word from their workers (killed, out of memory).
      return deadLetter(message, details, `received ${receiveCount} times, more than max_receive ${settings.maxReceive}`);
    }
    log.event('info', 'started', { ...details, filedb: taskMessage.filedb });

    const lease = new MessageLease((seconds) => setVisibility(message, seconds), settings, receivedAtMs);
    const interrupt = new AbortController();
    const watch = setInterval(() => {
      void beat(settings.heartbeatFile);
      const seconds = (Date.now() - receivedAtMs) / 1000;
      if (settings.maxProcessingSeconds > 0 && seconds > settings.maxProcessingSeconds) {
        interrupt.abort(new TaskInterruption('timeout', `exceeded max_processing_time of ${settings.maxProcessingSeconds} s`));
      }
      if (lease.secondsLeft() <= 0) {
        interrupt.abort(new TaskInterruption('lease-lost', 'the lease ran out before it could be renewed'));
        return;
      }
      lease.renewIfNeeded().then(
        (renewed) => renewed && log.event('info', 'lease-renewed', { ...details, leaseEnds: new Date(lease.deadline).toISOString() }),
        (e: unknown) => {
          if (isLeaseRefused(e)) interrupt.abort(new TaskInterruption('lease-lost', `SQS refused to renew the lease: ${oneLine(e)}`));
          else log.event('warn', 'lease-renewal-failed', { ...details, error: oneLine(e), secondsLeft: round(lease.secondsLeft()) });
        },
      );
    }, settings.pollIntervalSeconds * 1000);
    let graceTimer: NodeJS.Timeout | undefined;
    const onStop = () => {
      log.event('warn', 'finishing', { ...details, gracePeriod: settings.gracePeriodSeconds });
      graceTimer = setTimeout(
        () => interrupt.abort(new TaskInterruption('stopping', `stopped: not finished within the grace period of ${settings.gracePeriodSeconds} s`)),
        settings.gracePeriodSeconds * 1000,
      );
    };
    const onStopNow = () => interrupt.abort(new TaskInterruption('stopping', 'stopped'));
    control.stop.addEventListener('abort', onStop, { once: true });
    control.stopNow?.addEventListener('abort', onStopNow, { once: true });
    try {
      const task = await handlers.resolveTask(taskMessage);
      interrupt.signal.throwIfAborted();
      const outcome = await handlers.execute(task, interrupt.signal);
      try {
        await remove(message);
      } catch (e) {
        // The task is done all the same: whoever gets the message next finds it finished.
        log.event('warn', 'delete-failed', { ...details, error: oneLine(e) });
      }
      log.event('info', outcome.status, { ...details, seconds: round(outcome.seconds), stacItem: outcome.stacItem });
      return outcome.status;
    } catch (e) {
      const interruption = interrupt.signal.reason instanceof TaskInterruption ? interrupt.signal.reason : undefined;
      const error = interruption?.message ?? oneLine(e);
      if (interruption?.kind === 'stopping') {
        await release(message, details);
        log.event('warn', 'released', { ...details, reason: error });
        return 'released';
      }
      if (interruption?.kind === 'lease-lost') {
        // The message may be another worker's by now: it is left alone, to come back when its lease ends.
        log.event('error', 'lease-lost', { ...details, error, seconds: round((Date.now() - receivedAtMs) / 1000) });
        return 'failed';
      }
      const lastTry = receiveCount >= settings.maxReceive;
      log.event('error', 'failed', { ...details, error, seconds: round((Date.now() - receivedAtMs) / 1000), retry: !lastTry });
      if (lastTry) return deadLetter(message, details, error);
      await release(message, details);
      return 'failed';
    } finally {
      clearInterval(watch);
      clearTimeout(graceTimer);
      control.stop.removeEventListener('abort', onStop);
      control.stopNow?.removeEventListener('abort', onStopNow);
    }
  };

  /** One message, or none when the poll came back empty or a stop cut it short. */
  let receiveErrors = 0;
  const receive = async (): Promise<{ message: Message; receivedAtMs: number } | undefined> => {
    try {
      const response = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: settings.waitTimeSeconds,
          VisibilityTimeout: settings.leaseSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: anyStop },
      );
      receiveErrors = 0;
      const message = response.Messages?.[0];
      return message && { message, receivedAtMs: Date.now() };
    } catch (e) {
      if (anyStop.aborted) return undefined;
      const known = queueError(e, queueUrl);
      if (known !== e || ++receiveErrors >= RECEIVE_ERRORS_BEFORE_GIVING_UP) throw known;
      log.event('warn', 'receive-failed', { error: oneLine(e), attempt: receiveErrors });
      await sleep(RECEIVE_RETRY_MS * receiveErrors, anyStop);
      return undefined;
    }
  };

  let idlePolls = 0;
  let waitingLogged = false;
  log.event('info', 'polling', { queue: queueUrl, deadLetterQueue: settings.deadLetterQueueUrl, leaseSeconds: settings.leaseSeconds });
  while (!anyStop.aborted) {
    await beat(settings.heartbeatFile);
    const received = await receive();
    if (received && anyStop.aborted) {
      await release(received.message, { messageId: received.message.MessageId });
      break;
    }
    if (!received) {
      if (anyStop.aborted) break;
      if (++idlePolls < settings.idlePolls) continue;
      const left = await messagesLeft(client, queueUrl);
      if (left.visible + left.inFlight + left.delayed === 0) {
        summary.ended = 'drained';
        break;
      }
      // Other workers hold messages: if one dies, its message comes back when its lease ends.
      if (!waitingLogged) log.event('info', 'waiting', { ...left });
      waitingLogged = true;
      if (settings.waitTimeSeconds === 0) await sleep(settings.pollIntervalSeconds * 1000, anyStop);
      continue;
    }
    idlePolls = 0;
    waitingLogged = false;
    summary[await handle(received.message, received.receivedAtMs)]++;
  }
  const { ended, ...counts } = summary;
  log.event('info', ended, counts);
  return summary;
}

export interface MessagesLeft {
  visible: number;
  inFlight: number;
  delayed: number;
}

export async function messagesLeft(client: SQSClient, queueUrl: string, signal?: AbortSignal): Promise<MessagesLeft> {
  try {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
      { abortSignal: signal },
    );
    return {
      visible: Number(Attributes['ApproximateNumberOfMessages'] ?? 0),
      inFlight: Number(Attributes['ApproximateNumberOfMessagesNotVisible'] ?? 0),
      delayed: Number(Attributes['ApproximateNumberOfMessagesDelayed'] ?? 0),
    };
  } catch (e) {
    throw queueError(e, queueUrl);
  }
}

/** SQS's answer that the message is no longer this worker's: gone, or received by another. */
const LEASE_REFUSALS = new Set(['ReceiptHandleIsInvalid', 'MessageNotInflight', 'InvalidParameterValue', 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

function isLeaseRefused(e: unknown): boolean {
  return e instanceof Error && LEASE_REFUSALS.has(e.name);
}

function withError(attributes: Record<string, MessageAttributeValue> | undefined, reason: string): Record<string, MessageAttributeValue> | undefined {
  const kept = { ...attributes };
  if (Object.keys(kept).length < MAX_MESSAGE_ATTRIBUTES) kept['odc_stats_error'] = { DataType: 'String', StringValue: reason.slice(0, 1000) };
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.trim() || (e instanceof Error ? e.name : 'unknown error');
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
