// Which requests carry the once-per-thread payload (src/walkforward/data-delivery.ts): one per thread not known to
// hold it, none once every live thread answered, again for a thread that replaced one, and after a NeedData reply.
import { describe, expect, it } from 'vitest';
import { DataDelivery } from '../../src/walkforward/data-delivery.js';
import type { NeedData, WorkerResponse } from '../../src/walkforward/protocol.js';

const ok = (threadId: number, deliveries = 1): WorkerResponse =>
  ({ id: 't', metrics: {} as WorkerResponse['metrics'], runMs: 0, loadMs: 0, bars: 0, threadId, deliveries });
const need = (threadId: number, deliveries = 0): NeedData => ({ id: 't', needData: true, threadId, deliveries });

describe('data delivery', () => {
  it('one carrying request per thread at the start, none once every thread answered', () => {
    let live = [1, 2];
    const d = new DataDelivery(() => live);
    expect([d.carry(), d.carry(), d.carry(), d.carry()]).toEqual([true, true, false, false]);
    d.settled(true, ok(1));
    expect(d.carry()).toBe(false); // thread 2's carrying request is still in flight
    d.settled(false, ok(1)); // a payload-less request answered by a holder
    d.settled(true, ok(2));
    for (let i = 0; i < 5; i++) expect(d.carry()).toBe(false);
    expect(d.stats()).toEqual({ sent: 2, needData: 0, threads: [{ threadId: 1, tasks: 2, deliveries: 1 }, { threadId: 2, tasks: 1, deliveries: 1 }] });
    live = [];
    expect(d.carry()).toBe(true); // no thread known (a pool between restarts): carry rather than guess
  });

  it('a thread that replaced another (new id) gets one carrying request; a failed one frees its slot', () => {
    let live = [1, 2];
    const d = new DataDelivery(() => live);
    d.carry();
    d.carry();
    d.settled(true, ok(1));
    d.settled(true, ok(2));
    live = [2, 3]; // thread 1 died, thread 3 started in its place
    expect(d.carry()).toBe(true);
    expect(d.carry()).toBe(false);
    d.settled(true); // that request failed (no reply: its thread is unknown)
    expect(d.carry()).toBe(true);
    d.settled(true, ok(3));
    expect(d.carry()).toBe(false);
    expect(d.stats().sent).toBe(4);
  });

  it('a NeedData reply: the thread is not a holder, the task goes again with the payload', () => {
    const d = new DataDelivery(() => [1]);
    expect(d.carry()).toBe(true);
    d.settled(true, ok(1));
    expect(d.carry()).toBe(false);
    d.settled(false, need(1, 1)); // e.g. the thread dropped the set for another study's
    expect(d.resend()).toBe(true);
    expect(d.carry()).toBe(false); // the resend is in flight for the only thread
    d.settled(true, ok(1, 2));
    expect(d.stats()).toEqual({ sent: 2, needData: 1, threads: [{ threadId: 1, tasks: 2, deliveries: 2 }] });
  });
});
