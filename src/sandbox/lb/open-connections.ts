import { targetKey, type Target } from './target-picker.js';

/** A proxied connection: `close` cuts both sides at once; `closed` settles when both are gone. */
export interface ProxiedConnection {
  close(): void;
  closed: Promise<void>;
}

export interface TargetConnectionCount {
  instanceId: string;
  port: number;
  connections: number;
}

/** The connections open to each target, so the ones to a target that left its group can be cut. */
export class OpenConnections {
  private readonly byTarget = new Map<string, { target: Target; connections: Set<ProxiedConnection> }>();

  add(target: Target, connection: ProxiedConnection): void {
    const key = targetKey(target);
    const entry = this.byTarget.get(key) ?? { target, connections: new Set<ProxiedConnection>() };
    this.byTarget.set(key, entry);
    entry.connections.add(connection);
    void connection.closed.then(() => {
      entry.connections.delete(connection);
      if (entry.connections.size === 0 && this.byTarget.get(key) === entry) this.byTarget.delete(key);
    });
  }

  /** Cuts every connection to the target; returns how many there were. */
  closeTarget(target: { instanceId: string; port: number }): number {
    const entry = this.byTarget.get(targetKey(target));
    if (!entry) return 0;
    const connections = [...entry.connections];
    for (const connection of connections) connection.close();
    return connections.length;
  }

  async closeAll(): Promise<void> {
    const all = [...this.byTarget.values()].flatMap((e) => [...e.connections]);
    for (const connection of all) connection.close();
    await Promise.all(all.map((c) => c.closed));
  }

  counts(): TargetConnectionCount[] {
    return [...this.byTarget.values()].map(({ target, connections }) => ({ instanceId: target.instanceId, port: target.port, connections: connections.size }));
  }
}
