import type { DrainServer } from '../drain.js';
import { freshDrain, type ReleaseFacts } from './facts.js';

/**
 * A rollback as the bot stored it before the release and its rollback shared one drain phase:
 * only the drained servers and the baseline, its forced servers kept in the release's own drain.
 */
interface RollbackBeforeDrainState extends Omit<NonNullable<ReleaseFacts['rollback']>, 'drain'> {
  servers: DrainServer[];
  baselineTotal: number | null;
}

/** Release facts as a row may hold them: written by this bot or by an earlier one. */
export type StoredReleaseFacts = Omit<ReleaseFacts, 'rollback'> & { rollback: ReleaseFacts['rollback'] | RollbackBeforeDrainState };

/**
 * Brings facts read from a row to the current shape, so a release paused before an upgrade of
 * the bot resumes after it. Facts already in the current shape come back unchanged.
 */
export function upgradeReleaseFacts(facts: StoredReleaseFacts): ReleaseFacts {
  const { rollback } = facts;
  if (rollback === null || 'drain' in rollback) return { ...facts, rollback };
  const { servers, baselineTotal, ...rest } = rollback;
  const ids = new Set(servers.map((s) => s.instanceId));
  const drain = {
    ...freshDrain(),
    servers,
    baselineTotal,
    wave: servers.reduce((n, s) => Math.max(n, s.wave), 0),
    // "Terminate anyway" during the old rollback drain was written into the release's list.
    forced: facts.drain.forced.filter((f) => ids.has(f.instanceId)),
  };
  return { ...facts, rollback: { ...rest, drain } };
}
