import { describe, expect, it } from 'vitest';
import { MessageLease } from './message-lease.js';

function leaseAt(start: number, settings = { leaseSeconds: 300, renewMarginSeconds: 30 }) {
  let now = start;
  const grants: Array<{ at: number; seconds: number }> = [];
  const lease = new MessageLease(
    async (seconds) => {
      grants.push({ at: now, seconds });
    },
    settings,
    start,
    () => now,
  );
  return { lease, grants, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('MessageLease', () => {
  it('lasts the lease from receipt and is not renewed outside the safety margin', async () => {
    const { lease, grants, advance } = leaseAt(1_000_000);
    expect(lease.deadline).toBe(1_000_000 + 300_000);
    advance(269);
    expect(lease.secondsLeft()).toBe(31);
    expect(await lease.renewIfNeeded()).toBe(false);
    expect(grants).toEqual([]);
  });

  it('extends by a whole lease from now once inside the margin', async () => {
    const { lease, grants, advance } = leaseAt(0);
    advance(271);
    expect(await lease.renewIfNeeded()).toBe(true);
    expect(grants).toEqual([{ at: 271_000, seconds: 300 }]);
    expect(lease.deadline).toBe(571_000);
    advance(100);
    expect(await lease.renewIfNeeded()).toBe(false);
  });

  it('asks SQS once for concurrent checks, and keeps the old deadline when SQS refuses', async () => {
    let calls = 0;
    const lease = new MessageLease(
      async () => {
        calls++;
        throw new Error('ReceiptHandleIsInvalid');
      },
      { leaseSeconds: 4, renewMarginSeconds: 2 },
      0,
      () => 3000,
    );
    const both = Promise.allSettled([lease.renewIfNeeded(), lease.renewIfNeeded()]);
    expect((await both).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    expect(lease.deadline).toBe(4000);
  });
});
