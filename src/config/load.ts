import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { catalogSchema, type Catalog, type ServiceConfig } from './catalog.js';
import { envSchema, type Env } from './env.js';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describeIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.code === 'invalid_key'
          ? (issue.issues[0]?.message ?? issue.message)
          : issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
            ? `missing: this key is required (${issue.expected})`
            : issue.message;
    return path ? `${path}: ${message}` : message;
  });
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) throw new ConfigError('the environment', describeIssues(result.error.issues));
  return result.data;
}

export function parseCatalog(text: string, source = 'the service catalog'): Catalog {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One broken line (a tab, an unclosed quote) makes the parser report every line after it too.
    const [first, ...rest] = doc.errors;
    const more = rest.length > 0 ? [`${rest.length} more YAML error${rest.length > 1 ? 's' : ''} after this one, usually caused by it: fix it and check again`] : [];
    throw new ConfigError(source, [`YAML: ${first.message.split('\n')[0]}`, ...more]);
  }
  const content: unknown = doc.toJS();
  if (content === null || content === undefined) throw new ConfigError(source, ['the file is empty: it needs a `services:` map with one entry per service (data/services.yml is an example)']);
  const result = catalogSchema.safeParse(content);
  if (!result.success) throw new ConfigError(source, describeIssues(result.error.issues));
  const services: Record<string, ServiceConfig> = {};
  for (const [name, service] of Object.entries(result.data.services)) services[name] = { ...service, name };
  return { services };
}

export async function loadCatalog(path: string): Promise<Catalog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)}); SERVICES_FILE names it`]);
  }
  return parseCatalog(text, path);
}
