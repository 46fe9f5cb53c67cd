import { z } from 'zod';
import type { BoardServerOptions } from './server.js';

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  VERSION: z.string().min(1),
  INSTANCE_ID: z.string().min(1),
  STORE_URL: z.url(),
  DRAIN_TOKEN: z.string().min(1),
  SENTRY_DSN: z.string().optional(),
  FAULT: z.enum(['none', 'errors']).default('none'),
  LOG_LEVEL: z.string().default('info'),
});

/** A board server process's options from its environment; throws with every bad or missing variable named. */
export function boardServerEnv(env: NodeJS.ProcessEnv): Omit<BoardServerOptions, 'logger'> & { logLevel: string } {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`board server: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    version: e.VERSION,
    instanceId: e.INSTANCE_ID,
    storeUrl: e.STORE_URL,
    drainToken: e.DRAIN_TOKEN,
    sentryDsn: e.SENTRY_DSN || undefined,
    fault: e.FAULT,
    logLevel: e.LOG_LEVEL,
  };
}
