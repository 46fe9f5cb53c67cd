import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

const guarded = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killGuarded(): void {
  for (const child of guarded) child.kill('SIGKILL');
}

/**
 * A signal's default action ends the process without an 'exit' event, which would orphan the
 * children. When nothing else handles the signal, exit as the default would, so 'exit' runs;
 * when something else does (a graceful shutdown), leave it to that handler.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) === 1) process.exit(128 + constants.signals[signal]);
}

function install(): void {
  process.on('exit', killGuarded);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  process.off('exit', killGuarded);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Kills the child with SIGKILL if this process exits first; call the returned function once the child is gone. */
export function killWithParent(child: ChildProcess): () => void {
  if (guarded.size === 0) install();
  guarded.add(child);
  return () => {
    if (guarded.delete(child) && guarded.size === 0) uninstall();
  };
}
