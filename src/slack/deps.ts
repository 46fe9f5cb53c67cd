import type { ServiceConfig } from '../config/catalog.js';
import type { Changelog, Clock, Directory, Fleet, Tickets } from '../deploy/ports.js';
import type { DeployKind } from '../deploy/records.js';
import type { DeployStore } from '../deploy/store-port.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Preflight } from '../preflight/preflight.js';

/** What the Slack handlers are given; they read nothing else. */
export interface SlackDeps {
  services: Record<string, ServiceConfig>;
  store: DeployStore;
  fleet: Fleet;
  directory: Directory;
  clock: Clock;
  changelog: Changelog;
  /** Null when Jira is not configured. */
  tickets: Tickets | null;
  /** Which integrations have credentials in the environment. */
  configured: { sentry: boolean; jira: boolean; prometheus: boolean };
  newDeployId: (kind: DeployKind) => string;
  /** Something was recorded: let the runner and the notifier look now. */
  onChange: () => void;
  /** `/release check <service>`. */
  preflight: Preflight;
  logger: Logger;
  metrics: Metrics;
}
