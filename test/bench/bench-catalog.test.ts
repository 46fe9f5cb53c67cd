import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { benchCatalog } from '../../bench/bench-catalog.js';
import { parseCatalog } from '../../src/config/load.js';

const shipped = () => readFile(new URL('../../data/services.yml', import.meta.url), 'utf8');

it('keeps a 5 s gate, terminates drained servers at once and sizes capacity and waves for 100 sessions per server', async () => {
  const service = parseCatalog(benchCatalog(await shipped())).services.board;
  expect(service.release.gate).toEqual({ minBoards: 1, timeout: 300_000, observe: 5_000 });
  expect(service.release.keepWarm).toBe(0);
  expect(service.drain).toMatchObject({ capacity: 100, maxBoardsPerWave: 70 });
});

it('changes nothing else in the catalog', async () => {
  const before = parseCatalog(await shipped()).services.board;
  const after = parseCatalog(benchCatalog(await shipped())).services.board;
  expect({ ...after, release: { ...after.release, gate: before.release.gate, keepWarm: before.release.keepWarm }, drain: { ...after.drain, capacity: before.drain?.capacity, maxBoardsPerWave: before.drain?.maxBoardsPerWave } }).toEqual(before);
});

it('refuses a catalog whose service has no drain settings', () => {
  expect(() => benchCatalog('services:\n  board:\n    region: eu-west-1\n')).toThrow('the catalog has no drain settings for board');
});
