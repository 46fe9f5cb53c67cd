import pino, { type Logger, type DestinationStream } from 'pino';
import { createRedactor } from './redact.js';

export type { Logger };

/** Structured JSON logs on stdout; every line passes through the redactor first. */
export function createLogger(options: { level: string; secrets: string[]; destination?: DestinationStream; name?: string }): Logger {
  const { scrub, scrubText } = createRedactor(options.secrets);
  return pino(
    {
      name: options.name ?? 'release-bot',
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      // The redactor has already reduced errors to { type, message, stack }; pino's own error
      // serializer would take that plain object for an error of type "Object".
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrub(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
