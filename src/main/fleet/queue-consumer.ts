/**
 * The queue consumer of a fleet worker: takes one message at a time, leases it while its task
 * runs (renewing the lease as needed; a task whose lease is lost is given up), deletes it when
 * the task is finished or was already, makes it visible again when the task fails, and moves it
 * to the dead-letter queue once it has been tried `max_receive` times. What a message means and
 * how a task is computed are the caller's: `resolveTask` and `execute`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { TaskOutcome } from '../../shared/task-messages.js';
import { beat } from '../run/heartbeat.js';
import { queueError } from '../sqs/queue-url.js';
import { parseTaskMessage, type TaskMessage } from '../sqs/task-message.js';
import { MessageLease, type LeaseSettings } from './message-lease.js';
import { messagesLeft } from './queue-status.js';
import type { EventDetails, WorkerLog } from './worker-log.js';
import { firstLine } from '../../shared/first-line.js';

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

/** What the caller supplies: the task a message names, and a way to compute it. */
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

interface ReceivedMessage {
  message: Message;
  receivedAtMs: number;
}

/** A message whose task is to run, with what its log events name. */
interface HeldMessage extends ReceivedMessage {
  receiveCount: number;
  details: EventDetails;
}

/** Why a running task was given up by the consumer rather than failing by itself. */
class TaskInterruption extends Error {
  constructor(
    readonly kind: 'timeout' | 'stopping' | 'lease-lost',
    message: string,
  ) {
    super(message);
  }
}

/** How a task's run under its lease ended. */
type TaskResult = { outcome: TaskOutcome } | { error: string; interruption?: TaskInterruption['kind'] };

const RECEIVE_ERRORS_BEFORE_GIVING_UP = 5;
const RECEIVE_RETRY_MS = 2_000;
// SQS keeps at most 10 attributes per message.
const MAX_MESSAGE_ATTRIBUTES = 10;

/**
 * Each message goes through three steps: `receive`, `runUnderLease` (the task computed while the
 * lease is kept), and `settle` (delete, release or dead-letter it by how the task ended).
 */
export class QueueConsumer<Task> {
  private readonly log: WorkerLog;
  /** Either stop: no message is taken after it. */
  private readonly anyStop: AbortSignal;
  private readonly summary: ConsumerSummary = { finished: 0, skipped: 0, failed: 0, released: 0, deadLettered: 0, ended: 'stopped' };
  private receiveErrors = 0;
  private waitingLogged = false;

  constructor(
    private readonly client: SQSClient,
    private readonly settings: QueueConsumerSettings,
    private readonly handlers: QueueTaskHandlers<Task>,
    private readonly control: ConsumerControl,
  ) {
    this.log = control.log;
    this.anyStop = control.stopNow ? AbortSignal.any([control.stop, control.stopNow]) : control.stop;
  }

  /** Consumes messages until the queue is drained or the consumer is stopped. */
  async run(): Promise<ConsumerSummary> {
    const { queueUrl, deadLetterQueueUrl, leaseSeconds } = this.settings;
    this.log.event('info', 'polling', { queue: queueUrl, deadLetterQueue: deadLetterQueueUrl, leaseSeconds });
    let idlePolls = 0;
    while (!this.anyStop.aborted) {
      await beat(this.settings.heartbeatFile);
      const received = await this.receive();
      if (this.anyStop.aborted) {
        if (received) await this.release(received.message, { messageId: received.message.MessageId });
        break;
      }
      if (!received) {
        if (++idlePolls >= this.settings.idlePolls && (await this.isDrained())) {
          this.summary.ended = 'drained';
          break;
        }
        continue;
      }
      idlePolls = 0;
      this.waitingLogged = false;
      this.summary[await this.handle(received)]++;
    }
    const { ended, ...counts } = this.summary;
    this.log.event('info', ended, counts);
    return this.summary;
  }

  /** One message, or none when the poll came back empty or a stop cut it short. */
  private async receive(): Promise<ReceivedMessage | undefined> {
    const { queueUrl } = this.settings;
    try {
      const response = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: this.settings.waitTimeSeconds,
          VisibilityTimeout: this.settings.leaseSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: this.anyStop },
      );
      this.receiveErrors = 0;
      const message = response.Messages?.[0];
      return message && { message, receivedAtMs: Date.now() };
    } catch (e) {
      if (this.anyStop.aborted) return undefined;
      const known = queueError(e, queueUrl);
      if (known !== e || ++this.receiveErrors >= RECEIVE_ERRORS_BEFORE_GIVING_UP) throw known;
      this.log.event('warn', 'receive-failed', { error: firstLine(e), attempt: this.receiveErrors });
      await pause(RECEIVE_RETRY_MS * this.receiveErrors, this.anyStop);
      return undefined;
    }
  }

  /** After empty polls: whether the queue holds no message at all; if it does, waits for one. */
  private async isDrained(): Promise<boolean> {
    const left = await messagesLeft(this.client, this.settings.queueUrl);
    if (left.visible + left.inFlight + left.delayed === 0) return true;
    // Other workers hold messages: if one dies, its message comes back when its lease ends.
    if (!this.waitingLogged) this.log.event('info', 'waiting', { ...left });
    this.waitingLogged = true;
    if (this.settings.waitTimeSeconds === 0) await pause(this.settings.pollIntervalSeconds * 1000, this.anyStop);
    return false;
  }

  /** Runs the task a message names and settles the message; one that can never run is dead-lettered at once. */
  private async handle({ message, receivedAtMs }: ReceivedMessage): Promise<MessageEnd> {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    const ids: EventDetails = { messageId: message.MessageId, receiveCount };
    let taskMessage: TaskMessage;
    try {
      taskMessage = parseTaskMessage(message.Body, message.MessageAttributes);
    } catch (e) {
      return this.deadLetter(message, ids, firstLine(e));
    }
    const held: HeldMessage = { message, receivedAtMs, receiveCount, details: { task: taskMessage.task, ...ids } };
    if (receiveCount > this.settings.maxReceive) {
      // Its earlier tries ended with no word from their workers (killed, out of memory).
      return this.deadLetter(message, held.details, `received ${receiveCount} times, more than max_receive ${this.settings.maxReceive}`);
    }
    this.log.event('info', 'started', { ...held.details, filedb: taskMessage.filedb, config: taskMessage.config });
    return this.settle(held, await this.runUnderLease(held, taskMessage));
  }

  /** Computes the task while renewing the lease, giving it up on a deadline, a lost lease or a stop. */
  private async runUnderLease(held: HeldMessage, taskMessage: TaskMessage): Promise<TaskResult> {
    const lease = new MessageLease((seconds) => this.setVisibility(held.message, seconds), this.settings, held.receivedAtMs);
    const interrupt = new AbortController();
    const unwatch = [this.watchLease(held, lease, interrupt), this.watchStops(held, interrupt)];
    try {
      const task = await this.handlers.resolveTask(taskMessage);
      interrupt.signal.throwIfAborted();
      return { outcome: await this.handlers.execute(task, interrupt.signal) };
    } catch (e) {
      const interruption = interrupt.signal.reason instanceof TaskInterruption ? interrupt.signal.reason : undefined;
      return { error: interruption?.message ?? firstLine(e), ...(interruption && { interruption: interruption.kind }) };
    } finally {
      for (const stop of unwatch) stop();
    }
  }

  /** Every poll interval: a heartbeat, the task's deadline, and the lease renewed when it nears its end. */
  private watchLease(held: HeldMessage, lease: MessageLease, interrupt: AbortController): () => void {
    const { settings, log } = this;
    const { details } = held;
    const timer = setInterval(() => {
      void beat(settings.heartbeatFile);
      if (settings.maxProcessingSeconds > 0 && secondsSince(held.receivedAtMs) > settings.maxProcessingSeconds) {
        interrupt.abort(new TaskInterruption('timeout', `exceeded max_processing_time of ${settings.maxProcessingSeconds} s`));
      }
      if (lease.secondsLeft() <= 0) {
        interrupt.abort(new TaskInterruption('lease-lost', 'the lease ran out before it could be renewed'));
        return;
      }
      lease.renewIfNeeded().then(
        (renewed) => renewed && log.event('info', 'lease-renewed', { ...details, leaseEnds: new Date(lease.deadline).toISOString() }),
        (e: unknown) => {
          if (isLeaseRefused(e)) interrupt.abort(new TaskInterruption('lease-lost', `SQS refused to renew the lease: ${firstLine(e)}`));
          else log.event('warn', 'lease-renewal-failed', { ...details, error: firstLine(e), secondsLeft: round(lease.secondsLeft()) });
        },
      );
    }, settings.pollIntervalSeconds * 1000);
    return () => clearInterval(timer);
  }

  /** A stop gives the task the grace period; a stop-now, or the end of the grace, gives it up. */
  private watchStops(held: HeldMessage, interrupt: AbortController): () => void {
    const { stop, stopNow } = this.control;
    const { gracePeriodSeconds } = this.settings;
    let graceTimer: NodeJS.Timeout | undefined;
    const onStop = () => {
      this.log.event('warn', 'finishing', { ...held.details, gracePeriod: gracePeriodSeconds });
      graceTimer = setTimeout(
        () => interrupt.abort(new TaskInterruption('stopping', `stopped: not finished within the grace period of ${gracePeriodSeconds} s`)),
        gracePeriodSeconds * 1000,
      );
    };
    const onStopNow = () => interrupt.abort(new TaskInterruption('stopping', 'stopped'));
    stop.addEventListener('abort', onStop, { once: true });
    stopNow?.addEventListener('abort', onStopNow, { once: true });
    return () => {
      clearTimeout(graceTimer);
      stop.removeEventListener('abort', onStop);
      stopNow?.removeEventListener('abort', onStopNow);
    };
  }

  /** Deletes, releases or dead-letters the message by how its task ended. */
  private async settle(held: HeldMessage, result: TaskResult): Promise<MessageEnd> {
    const { message, details } = held;
    if ('outcome' in result) {
      const { outcome } = result;
      try {
        await this.remove(message);
      } catch (e) {
        // The task is done all the same: whoever gets the message next finds it finished.
        this.log.event('warn', 'delete-failed', { ...details, error: firstLine(e) });
      }
      this.log.event('info', outcome.status, { ...details, seconds: round(outcome.seconds), stacItem: outcome.stacItem });
      return outcome.status;
    }
    const { error, interruption } = result;
    if (interruption === 'stopping') {
      await this.release(message, details);
      this.log.event('warn', 'released', { ...details, reason: error });
      return 'released';
    }
    const seconds = round(secondsSince(held.receivedAtMs));
    if (interruption === 'lease-lost') {
      // The message may be another worker's by now: it is left alone, to come back when its lease ends.
      this.log.event('error', 'lease-lost', { ...details, error, seconds });
      return 'failed';
    }
    const lastTry = held.receiveCount >= this.settings.maxReceive;
    this.log.event('error', 'failed', { ...details, error, seconds, retry: !lastTry });
    if (lastTry) return this.deadLetter(message, details, error);
    await this.release(message, details);
    return 'failed';
  }

  private async remove(message: Message): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.settings.queueUrl, ReceiptHandle: message.ReceiptHandle }));
  }

  private async setVisibility(message: Message, seconds: number): Promise<void> {
    await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.settings.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: seconds }));
  }

  /** Visible again to every worker, now; a failure to say so only delays the retry to the lease's end. */
  private async release(message: Message, details: EventDetails): Promise<void> {
    try {
      await this.setVisibility(message, 0);
    } catch (e) {
      this.log.event('warn', 'release-failed', { ...details, error: firstLine(e) });
    }
  }

  private async deadLetter(message: Message, details: EventDetails, reason: string): Promise<MessageEnd> {
    const target = this.settings.deadLetterQueueUrl;
    try {
      if (target) {
        await this.client.send(
          new SendMessageCommand({ QueueUrl: target, MessageBody: message.Body ?? '', MessageAttributes: withError(message.MessageAttributes, reason) }),
        );
      }
      await this.remove(message);
    } catch (e) {
      this.log.event('error', 'dead-letter-failed', { ...details, error: firstLine(e) });
      await this.release(message, details);
      return 'failed';
    }
    if (target) this.log.event('error', 'dead-lettered', { ...details, reason, deadLetterQueue: target });
    else this.log.event('error', 'dropped', { ...details, reason, body: message.Body, note: 'no dead-letter queue: set dlq or a redrive policy' });
    return 'deadLettered';
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

/** Waits `ms`, or less when the signal aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

function secondsSince(ms: number): number {
  return (Date.now() - ms) / 1000;
}


function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
