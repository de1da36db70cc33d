/**
 * The lease a worker holds on a received message: the message stays hidden from other workers
 * until the lease ends, so a task longer than one lease keeps renewing it (odc-stats
 * `SQSWorkToken.extend_if_needed`), and a worker that dies simply lets it run out.
 */
export interface LeaseSettings {
  /** Seconds each grant (the first, on receipt, and each renewal) lasts: `job_queue_max_lease`. */
  leaseSeconds: number;
  /** Renew when fewer seconds than this are left: `renew_safety_margin`. */
  renewMarginSeconds: number;
}

/** Makes the message invisible for `seconds` from now (SQS ChangeMessageVisibility). */
export type ExtendVisibility = (seconds: number) => Promise<void>;

export class MessageLease {
  private deadlineMs: number;
  private renewing: Promise<boolean> | undefined;

  constructor(
    private readonly extendVisibility: ExtendVisibility,
    private readonly settings: LeaseSettings,
    receivedAtMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.deadlineMs = receivedAtMs + settings.leaseSeconds * 1000;
  }

  /** When the message becomes visible to other workers unless renewed, in ms since the epoch. */
  get deadline(): number {
    return this.deadlineMs;
  }

  secondsLeft(): number {
    return (this.deadlineMs - this.clock()) / 1000;
  }

  /**
   * Renews the lease when it is within the safety margin of its end; true when it did. A
   * renewal already under way is waited for rather than repeated. Rejects when SQS refuses
   * (the lease ran out and the message went to another worker, say).
   */
  renewIfNeeded(): Promise<boolean> {
    if (this.renewing) return this.renewing;
    if (this.secondsLeft() >= this.settings.renewMarginSeconds) return Promise.resolve(false);
    const asked = this.clock();
    this.renewing = this.extendVisibility(this.settings.leaseSeconds)
      .then(() => {
        this.deadlineMs = asked + this.settings.leaseSeconds * 1000;
        return true;
      })
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }
}
