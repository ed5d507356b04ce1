// Which of a study's requests carry the once-per-thread payload: the engine config as JSON and the shared data
// (bars and per-series columns in SharedArrayBuffers, DataSpec.shared). Cloning that payload costs dozens of
// typed-array handles on the main thread and as many new objects in the worker, per request, while a worker thread
// adopts it only once; so it travels only until the runner knows a thread holds it.
//
// The runner cannot pick the thread a request goes to (Piscina hands it to whichever thread is free), so it counts:
// a request carries the payload while the pool's ready threads not known to hold it outnumber the carrying requests
// in flight. At the start that is one carrying request per thread; later, none, until a thread is replaced (a crash,
// a timed-out task) and a new thread id shows up among the ready threads. (A replacement still starting is not
// counted: the requests meanwhile go to the threads that hold the payload, and would carry it to them for nothing.) Whatever the count gets wrong (a carrying
// request picked up by a thread that already had it, a payload-less one reaching a thread that lacks it) costs
// efficiency, never correctness: the worker answers a request it cannot run with a NeedData reply, and the runner
// sends that task again with the payload (same attempt, no retry counted).
import { isNeedData, type WorkerReply } from './protocol.js';

export interface DeliveryStats {
  /** requests sent with the payload */
  sent: number;
  /** NeedData replies (each followed by the same task sent again with the payload) */
  needData: number;
  /** per worker thread that answered: tasks it ran, and requests with the payload it had received (its count) */
  threads: { threadId: number; tasks: number; deliveries: number }[];
}

export class DataDelivery {
  /** threads that answered a request normally: they hold the payload for the rest of their life */
  private readonly holders = new Set<number>();
  /** requests carrying the payload, not answered yet */
  private carrying = 0;
  private sent = 0;
  private needData = 0;
  private readonly threads = new Map<number, { tasks: number; deliveries: number }>();

  /** `liveThreads`: the ids of the pool's threads ready to take tasks now */
  constructor(private readonly liveThreads: () => readonly number[]) {}

  /** Whether the next request carries the payload. Every request it was asked for must be settled(). */
  carry(): boolean {
    const live = this.liveThreads();
    let held = 0;
    for (const id of live) if (this.holders.has(id)) held++;
    if (live.length > 0 && held + this.carrying >= live.length) return false;
    this.carrying++;
    this.sent++;
    return true;
  }

  /** After a NeedData reply: the task goes again, with the payload. */
  resend(): true {
    this.carrying++;
    this.sent++;
    return true;
  }

  /** A request was answered (`reply`) or failed (no reply: the thread is unknown). */
  settled(carried: boolean, reply?: WorkerReply): void {
    if (carried) this.carrying--;
    if (!reply) return;
    let t = this.threads.get(reply.threadId);
    if (!t) this.threads.set(reply.threadId, (t = { tasks: 0, deliveries: 0 }));
    t.deliveries = Math.max(t.deliveries, reply.deliveries);
    if (isNeedData(reply)) {
      this.needData++;
      this.holders.delete(reply.threadId);
    } else {
      t.tasks++;
      this.holders.add(reply.threadId);
    }
  }

  stats(): DeliveryStats {
    const threads = [...this.threads].sort((a, b) => a[0] - b[0]).map(([threadId, t]) => ({ threadId, ...t }));
    return { sent: this.sent, needData: this.needData, threads };
  }
}
