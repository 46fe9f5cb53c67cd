import { setTimeout as sleep } from 'node:timers/promises';
import { startBuiltBot, type BuiltBot } from './built-bot.js';

/** Issue "production shape": what a bot idle most of the day may cost. */
export const FOOTPRINT_GOALS = { readyMs: 2_000, rssMb: 150 };

export interface FootprintFigures {
  artifact: string;
  starts: number;
  /** Median over the starts, from spawning `node dist/main.js` until `/healthz` answered 200. */
  readyMs: number;
  readyMaxMs: number;
  /** The largest resident set of any start, read once its start-up (pre-flight check included) has settled. */
  rssMb: number;
  goals: typeof FOOTPRINT_GOALS;
}

/** Long enough for the start-up pre-flight check, which runs after /healthz already answers. */
const SETTLE_MS = 5_000;

/**
 * Starts the built artifact `starts` times against the same sandbox, one after the other, and
 * keeps the last one running for whoever measures it next.
 */
export async function measureFootprint(root: URL, env: Record<string, string>, starts: number): Promise<{ figures: FootprintFigures; running: BuiltBot }> {
  const ready: number[] = [];
  const resident: number[] = [];
  let running: BuiltBot | null = null;
  try {
    for (let i = 0; i < starts; i++) {
      await running?.stop();
      running = null;
      running = await startBuiltBot(root, env);
      ready.push(running.readyMs);
      await sleep(SETTLE_MS);
      resident.push(await running.rssMb());
    }
  } catch (error) {
    await running?.stop();
    throw error;
  }
  if (!running) throw new Error('measureFootprint needs at least one start');
  const sorted = [...ready].sort((a, b) => a - b);
  return {
    running,
    figures: {
      artifact: 'dist/main.js',
      starts,
      readyMs: Math.round(sorted[Math.floor(sorted.length / 2)]),
      readyMaxMs: Math.round(sorted[sorted.length - 1]),
      rssMb: Math.round(Math.max(...resident)),
      goals: FOOTPRINT_GOALS,
    },
  };
}
