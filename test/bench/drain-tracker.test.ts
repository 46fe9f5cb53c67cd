import { expect, it } from 'vitest';
import { createDrainTracker } from '../../bench/drain-tracker.js';

it('times a drain from the first session told to reconnect until the server has no session left', () => {
  const drains = createDrainTracker({ 'i-old': 2 });
  drains.joined('i-old');
  drains.left('i-old', 'reconnect', 1_000);
  drains.left('i-old', 'reconnect', 1_040);
  expect(drains.drainsMs()).toEqual([]);
  drains.left('i-old', 'closed', 1_300);
  expect(drains.drainsMs()).toEqual([300]);
});

it('does not count a server that emptied without being told to reconnect', () => {
  const drains = createDrainTracker();
  drains.joined('i-dead');
  drains.left('i-dead', 'closed', 2_000);
  expect(drains.drainsMs()).toEqual([]);
});

it('keeps the first time a server emptied when sessions come and go afterwards', () => {
  const drains = createDrainTracker({ 'i-old': 1 });
  drains.left('i-old', 'reconnect', 100);
  drains.joined('i-old');
  drains.left('i-old', 'reconnect', 900);
  expect(drains.drainsMs()).toEqual([0]);
});
