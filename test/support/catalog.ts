import { readFileSync } from 'node:fs';
import type { ServiceConfig } from '../../src/config/catalog.js';
import { parseCatalog } from '../../src/config/load.js';

/** The shipped example catalog, parsed as the bot would, with overrides for a test. */
export function exampleService(overrides: (yaml: string) => string = (y) => y): ServiceConfig {
  const text = overrides(readFileSync(new URL('../../data/services.yml', import.meta.url), 'utf8'));
  return parseCatalog(text).services.board;
}

export function serviceWith(patch: Partial<Omit<ServiceConfig, 'prerelease'>> & { prerelease?: Partial<ServiceConfig['prerelease']> }): ServiceConfig {
  const base = exampleService();
  return { ...base, ...patch, prerelease: { ...base.prerelease, ...patch.prerelease } };
}
