/**
 * How long each server took to drain, seen from its users: from the first session told to
 * reconnect (the drain hook has just reached the server) until no session is left on it. The
 * simulated users are the servers' only clients, so no session left means no board left.
 */
export function createDrainTracker(sessionsNow: Record<string, number> = {}) {
  const sessions = new Map(Object.entries(sessionsNow));
  const toldAt = new Map<string, number>();
  const emptyAt = new Map<string, number>();

  return {
    joined(server: string): void {
      sessions.set(server, (sessions.get(server) ?? 0) + 1);
    },

    left(server: string, reason: 'reconnect' | 'closed', at: number): void {
      const left = Math.max(0, (sessions.get(server) ?? 0) - 1);
      sessions.set(server, left);
      if (reason === 'reconnect' && !toldAt.has(server)) toldAt.set(server, at);
      if (left === 0 && toldAt.has(server) && !emptyAt.has(server)) emptyAt.set(server, at);
    },

    /** Hook to empty, in ms, for every server that was told to reconnect and emptied. */
    drainsMs(): number[] {
      return [...emptyAt].map(([server, at]) => at - (toldAt.get(server) as number));
    },
  };
}
