import { DateTime } from 'luxon';
import type { ServiceConfig } from '../../config/catalog.js';

/** The service's fix version name for a version: `jira.fixVersion` with {service} and {version} filled in. */
export function fixVersionName(template: string, service: string, version: string): string {
  return template.replaceAll('{service}', service).replaceAll('{version}', version);
}

/**
 * Jira's release date is a calendar date without a zone; the day the team lived through is the
 * one in the zone of its deploy windows (UTC without them).
 */
export function releaseDateOf(service: ServiceConfig, at: number): string {
  return DateTime.fromMillis(at, { zone: service.windows?.timezone ?? 'UTC' }).toISODate() ?? new Date(at).toISOString().slice(0, 10);
}
