/** What the fake needs from one error event an SDK sent: how to group it and what to show. */
export interface ErrorOccurrence {
  /** Events with the same key are one issue (per project). */
  groupKey: string;
  title: string;
  culprit: string;
  level: string;
  release?: string;
  environment?: string;
  /** Distinct users make the userCount. */
  userKey?: string;
  isUnhandled: boolean;
  /** Epoch ms. */
  timestamp?: number;
}

interface Frame {
  function?: string;
  module?: string;
  filename?: string;
  in_app?: boolean;
}

interface ExceptionValue {
  type?: string;
  value?: string;
  stacktrace?: { frames?: Frame[] };
  mechanism?: { handled?: boolean; synthetic?: boolean };
}

interface ErrorEvent {
  exception?: { values?: ExceptionValue[] };
  message?: string | { formatted?: string; message?: string };
  logentry?: { formatted?: string; message?: string };
  level?: string;
  release?: string;
  environment?: string;
  transaction?: string;
  timestamp?: number | string;
  user?: { id?: string | number; email?: string; username?: string; ip_address?: string };
}

/** Returns null for payloads that are not error events (nothing to group). */
export function errorOccurrence(payload: unknown): ErrorOccurrence | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const event = payload as ErrorEvent;
  // Sentry treats the last exception of a chain as the one that was thrown.
  const exception = event.exception?.values?.at(-1);
  const message = messageOf(event);
  let groupKey: string;
  let title: string;
  // With attachStacktrace a message event carries a synthetic exception; Sentry titles it by the message.
  const synthetic = exception?.mechanism?.synthetic === true || exception?.type === undefined;
  if (exception && !(synthetic && message)) {
    const type = exception.type ?? 'Error';
    groupKey = `exception\u0000${type}\u0000${exception.value ?? ''}`;
    title = exception.value ? `${type}: ${exception.value}` : type;
  } else if (message) {
    groupKey = `message\u0000${message}`;
    title = message;
  } else {
    return null;
  }
  return {
    groupKey,
    title,
    culprit: event.transaction ?? culpritOf(exception) ?? '',
    level: event.level ?? 'error',
    release: event.release,
    environment: event.environment,
    userKey: userKeyOf(event.user),
    isUnhandled: exception?.mechanism?.handled === false,
    timestamp: timestampOf(event.timestamp),
  };
}

function messageOf(event: ErrorEvent): string | undefined {
  if (typeof event.message === 'string') return event.message;
  const structured = event.logentry ?? event.message;
  return structured?.formatted ?? structured?.message;
}

function culpritOf(exception: ExceptionValue | undefined): string | undefined {
  const frames = exception?.stacktrace?.frames ?? [];
  // Frames are ordered oldest call first; the culprit is the innermost frame of the app's own code.
  const frame = frames.findLast((f) => f.in_app !== false) ?? frames.at(-1);
  if (!frame) return undefined;
  const where = frame.module ?? frame.filename;
  return where ? `${frame.function ?? '?'}(${where})` : frame.function;
}

function userKeyOf(user: ErrorEvent['user']): string | undefined {
  if (!user) return undefined;
  const key = user.id ?? user.email ?? user.username ?? user.ip_address;
  return key === undefined ? undefined : String(key);
}

function timestampOf(value: number | string | undefined): number | undefined {
  if (typeof value === 'number') return Math.round(value * 1000);
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}
