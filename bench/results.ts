import { summarizeGaps } from '../src/sandbox/users/gap-summary.js';
import type { FootprintFigures } from './footprint.js';
import type { SwapFigures } from './swap-figures.js';

export interface AckFigures {
  concurrency: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  bareBoltP99Ms: number;
}

/** The shape of bench/results.json. */
export interface BenchResults {
  swaps: SwapFigures[];
  ack: AckFigures;
  footprint: FootprintFigures;
}

const oneDecimal = (value: number) => Number(value.toFixed(1));

/** Nearest-rank percentiles of the bot's and the bare app's response times. */
export function ackFigures(botMs: readonly number[], bareMs: readonly number[], concurrency: number): AckFigures {
  const bot = summarizeGaps(botMs);
  return { concurrency, requests: botMs.length, p50Ms: oneDecimal(bot.p50), p99Ms: oneDecimal(bot.p99), bareBoltP99Ms: oneDecimal(summarizeGaps(bareMs).p99) };
}

const COLUMNS: [string, (s: SwapFigures) => string][] = [
  ['strategy', (s) => s.strategy],
  ['servers', (s) => String(s.servers)],
  ['sessions', (s) => String(s.sessions)],
  ['lost sessions', (s) => String(s.lostSessions)],
  ['lost edits', (s) => String(s.lostEdits)],
  ['gap p50/p99/max ms', (s) => `${s.reconnectGapMs.p50}/${s.reconnectGapMs.p99}/${s.reconnectGapMs.max}`],
  ['swap s', (s) => s.swapSeconds.toFixed(1)],
  ['floor s', (s) => s.floorSeconds.toFixed(1)],
  ['serving min–peak', (s) => `${s.minServingFraction.toFixed(2)}–${s.peakServingFraction.toFixed(2)}`],
  ['peak rejoins/s/server', (s) => String(s.peakReconnectsPerSecPerServer)],
];

/** The results as the terminal shows them: one aligned row per swap, then the ack and footprint lines. */
export function formatResults(results: BenchResults): string {
  const rows = [COLUMNS.map(([title]) => title), ...results.swaps.map((swap) => COLUMNS.map(([, cell]) => cell(swap)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const { ack, footprint } = results;
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
    '',
    `ack: ${ack.requests} signed slash commands and button clicks, ${ack.concurrency} at a time: p50 ${ack.p50Ms} ms, p99 ${ack.p99Ms} ms (bare Bolt app p99 ${ack.bareBoltP99Ms} ms)`,
    `footprint of node ${footprint.artifact}: ready in ${footprint.readyMs} ms (median of ${footprint.starts} starts, slowest ${footprint.readyMaxMs} ms), ${footprint.rssMb} MB resident after start-up (goals: ${footprint.goals.readyMs} ms, ${footprint.goals.rssMb} MB)`,
  ].join('\n');
}
