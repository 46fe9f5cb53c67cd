/** Where the bot's own unexpected errors go: Sentry when SENTRY_DSN is set, nowhere otherwise. */
export interface ErrorReporting {
  capture(error: unknown): void;
  close(): Promise<void>;
}

const NOWHERE: ErrorReporting = { capture: () => undefined, close: async () => undefined };

/**
 * Sentry's SDK is loaded only when a DSN asks for it: it is the largest dependency the bot has
 * (half a second of start-up and about 25 MB resident), and most installations report nothing.
 */
export async function startErrorReporting(dsn: string | undefined, release: string | undefined): Promise<ErrorReporting> {
  if (!dsn) return NOWHERE;
  const Sentry = await import('@sentry/node');
  Sentry.init({ dsn, release, enabled: true });
  return {
    capture: (error) => void Sentry.captureException(error),
    close: async () => void (await Sentry.close(2000)),
  };
}
