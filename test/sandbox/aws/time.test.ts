import { describe, expect, it } from 'vitest';
import { ManualTime, TimerSet } from '../../../src/sandbox/aws/time.js';

describe('manual time', () => {
  it('runs due tasks in time order and leaves later ones pending', async () => {
    const time = new ManualTime(0);
    const ran: string[] = [];
    time.after(300, () => void ran.push('late'));
    time.after(100, () => void ran.push('early'));
    time.after(200, () => void ran.push(`middle at ${time.now()}`));
    await time.advance(250);
    expect(ran).toEqual(['early', 'middle at 200']);
    expect(time.now()).toBe(250);
    expect(time.pending).toBe(1);
  });

  it('runs tasks scheduled by due tasks within the same advance', async () => {
    const time = new ManualTime(0);
    const ran: number[] = [];
    const tick = () => {
      ran.push(time.now());
      time.after(100, tick);
    };
    time.after(100, tick);
    await time.advance(350);
    expect(ran).toEqual([100, 200, 300]);
  });

  it('waits for an async task before running the next one', async () => {
    const time = new ManualTime(0);
    const ran: string[] = [];
    time.after(10, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      ran.push('slow');
    });
    time.after(20, () => void ran.push('next'));
    await time.advance(20);
    expect(ran).toEqual(['slow', 'next']);
  });

  it('never runs a cancelled task, alone or through a timer set', async () => {
    const time = new ManualTime(0);
    const timers = new TimerSet(time);
    const ran: string[] = [];
    const cancel = time.after(10, () => void ran.push('cancelled'));
    timers.after(10, () => void ran.push('set 1'));
    timers.after(20, () => void ran.push('set 2'));
    cancel();
    timers.cancelAll();
    await time.advance(100);
    expect(ran).toEqual([]);
  });
});
