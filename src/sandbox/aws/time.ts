/**
 * The emulator's sense of time. The sandbox runs on the wall clock; tests move a manual clock so
 * that boot, health-check and deregistration delays pass without sleeping.
 */
export interface Scheduler {
  now(): number;
  /** Runs `task` once `delayMs` have passed; the returned function cancels it. */
  after(delayMs: number, task: () => void | Promise<void>): () => void;
}

export function realTime(): Scheduler {
  return {
    now: () => Date.now(),
    after(delayMs, task) {
      const timer = setTimeout(() => void task(), delayMs);
      // Pending lifecycle timers must not keep a test run or a stopping sandbox alive.
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}

interface Timer {
  at: number;
  seq: number;
  task: () => void | Promise<void>;
}

export class ManualTime implements Scheduler {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start: number | string = '2025-01-01T00:00:00.000Z') {
    this.current = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.current;
  }

  after(delayMs: number, task: () => void | Promise<void>): () => void {
    const timer: Timer = { at: this.current + Math.max(0, delayMs), seq: this.seq++, task };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /**
   * Moves the clock forward, running every task that falls due in time order (including tasks
   * scheduled by those tasks) and awaiting each, so async health checks settle before it returns.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      await next.task();
    }
    this.current = target;
  }

  get pending(): number {
    return this.timers.length;
  }

  private nextDue(limit: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    }
    return best;
  }
}

/** Remembers every timer it starts so that disposing of the emulator stops them all. */
export class TimerSet {
  private readonly cancels = new Set<() => void>();

  constructor(private readonly scheduler: Scheduler) {}

  after(delayMs: number, task: () => void | Promise<void>): () => void {
    const cancel = this.scheduler.after(delayMs, () => {
      this.cancels.delete(cancel);
      return task();
    });
    this.cancels.add(cancel);
    return () => {
      this.cancels.delete(cancel);
      cancel();
    };
  }

  cancelAll(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }
}
