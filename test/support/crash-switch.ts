import type { FakeMessage } from '../../src/sandbox/slack/workspace.js';
import type { World } from './world.js';

/**
 * One request the bot made to the world, seen by the fake that answers it while it handles it.
 * `applied` says whether the world has already acted on it (an AWS request seen `applied: false`
 * is dropped when the bot is killed on it, as if the bot had died just before sending it).
 */
export type WorldCall =
  | { system: 'aws'; action: string; applied: boolean; params: Record<string, string> }
  | { system: 'slack'; message: FakeMessage }
  | { system: 'drain-hook'; instanceId: string }
  | { system: 'prometheus'; query: string }
  | { system: 'sentry'; url: string }
  | { system: 'jira'; method: string; path: string };

export interface CrashPoint {
  /** The workflow step this crash interrupts, or the step that has just committed when it strikes. */
  step: string;
  /** Where the bot dies, in words. */
  at: string;
  /** The calls the bot may die on; it dies on the `nth` (default first) of them after arming. */
  on: (call: WorldCall, world: World) => boolean;
  nth?: number;
}

/**
 * Kills the child bot with SIGKILL from inside a fake's request handler, so the crash strikes at
 * a chosen call, deterministically, with no hook in the bot. The fakes record each request
 * synchronously before answering it; watching those records is watching the bot's calls.
 */
export function installCrashSwitch(world: World) {
  let armed: { point: CrashPoint; seen: number; killed: () => void } | null = null;

  /** True when the bot was killed on this call. */
  const observe = (call: WorldCall): boolean => {
    if (!armed || !armed.point.on(call, world) || ++armed.seen < (armed.point.nth ?? 1)) return false;
    const { killed } = armed;
    armed = null;
    world.crashChild();
    killed();
    return true;
  };

  const handle = world.emulator.handle.bind(world.emulator);
  world.emulator.handle = (body) => {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '';
    const params = Object.fromEntries(form);
    if (observe({ system: 'aws', action, applied: false, params })) return { status: 500, requestId: 'crashed', body: '' };
    const answer = handle(body);
    observe({ system: 'aws', action, applied: answer.status === 200, params });
    return answer;
  };
  world.slack.workspace.on('message-posted', (message: FakeMessage) => observe({ system: 'slack', message }));
  if (world.sim) onPush(world.sim.hookCalls, (h) => observe({ system: 'drain-hook', instanceId: h.instanceId }));
  if (world.prometheus) onPush(world.prometheus.queries, (q) => observe({ system: 'prometheus', query: q.query }));
  onPush(world.sentry.requests, (r) => observe({ system: 'sentry', url: r.url }));
  onPush(world.jira.requests, (r) => observe({ system: 'jira', method: r.method, path: r.path }));

  return {
    /** Resolves once the bot has died at the point; the caller restarts it. */
    arm(point: CrashPoint): Promise<void> {
      if (armed) throw new Error(`a crash is already armed at ${armed.point.at}`);
      return new Promise((resolve) => {
        armed = { point, seen: 0, killed: resolve };
      });
    },
    disarm(): void {
      armed = null;
    },
  };
}

export type CrashSwitch = ReturnType<typeof installCrashSwitch>;

/** Calls `listener` with every entry a fake appends to one of its request logs. */
function onPush<T>(log: T[], listener: (entry: T) => void): void {
  const push = log.push.bind(log);
  log.push = (...entries: T[]) => {
    const length = push(...entries);
    for (const entry of entries) listener(entry);
    return length;
  };
}
