import { parseDocument } from 'yaml';

/**
 * What the benchmark changes in the sandbox's minute-scale catalog, and why:
 * - the gate still needs boards on the new servers, watched for 5 s instead of 10 s;
 * - drained old servers are terminated at once: keeping them warm is a rollback option, not part
 *   of the swap being measured;
 * - a server holds at most 100 boards: its 100 sessions can never open more than 100 distinct boards;
 * - a wave moves at most 70 boards: the load balancer keeps a board's sessions together, so a
 *   server of 100 sessions (sharing boards in threes) holds about 34 boards and a wave is about
 *   two servers; larger fleets drain in several waves.
 */
export const BENCH_CATALOG = {
  gate: { minBoards: 1, timeout: '5m', observe: '5s' },
  keepWarm: '0s',
  capacity: 100,
  maxBoardsPerWave: 70,
} as const;

/** Rewrites one service of a catalog (YAML text) with the benchmark's settings. */
export function benchCatalog(yaml: string, service = 'board'): string {
  const doc = parseDocument(yaml);
  const at = (...path: string[]) => ['services', service, ...path];
  if (!doc.hasIn(at('drain'))) throw new Error(`the catalog has no drain settings for ${service}`);
  doc.setIn(at('release', 'gate'), doc.createNode({ ...BENCH_CATALOG.gate }, { flow: true }));
  doc.setIn(at('release', 'keepWarm'), BENCH_CATALOG.keepWarm);
  doc.setIn(at('drain', 'capacity'), BENCH_CATALOG.capacity);
  doc.setIn(at('drain', 'maxBoardsPerWave'), BENCH_CATALOG.maxBoardsPerWave);
  return doc.toString();
}
