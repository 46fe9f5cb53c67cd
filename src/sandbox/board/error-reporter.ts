import { defaultStackParser, makeNodeTransport, NodeClient, Scope } from '@sentry/node';

export interface ErrorReporter {
  capture(error: unknown): void;
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Reports the board server's errors to Sentry with its release, as the real service does. The
 * client is bound to its own scope instead of installed globally (no `Sentry.init`), so several
 * servers can run in one process (tests) without reporting for each other, and no integration
 * patches the process.
 */
export function createErrorReporter(options: { dsn: string; release: string; instanceId: string }): ErrorReporter {
  const client = new NodeClient({
    dsn: options.dsn,
    release: options.release,
    environment: 'production',
    serverName: options.instanceId,
    integrations: [],
    stackParser: defaultStackParser,
    transport: makeNodeTransport,
    sendClientReports: false,
    enableRuntimeChannelInjection: false,
  });
  const scope = new Scope();
  scope.setClient(client);
  scope.setTag('instance_id', options.instanceId);
  return {
    capture: (error) => void scope.captureException(error),
    close: async (timeoutMs = 2_000) => {
      await client.close(timeoutMs);
    },
  };
}
