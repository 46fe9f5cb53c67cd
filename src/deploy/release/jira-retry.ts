import type { ServiceConfig } from '../../config/catalog.js';
import type { Tickets } from '../ports.js';
import type { DeployStore, StoredDeploy } from '../store-port.js';
import type { ReleaseFacts } from './facts.js';
import { closeTickets } from './workflow.js';

/**
 * "Retry Jira" on a finished release: the release itself is over, so this runs outside the
 * runner and records its outcome as one more step of the same deploy. The press was recorded as a
 * `retry` action first (so no second press runs it at the same time); the outcome consumes it,
 * with any press whose bot died before recording its outcome.
 */
export async function retryJira(deps: { store: DeployStore; tickets: Tickets | null; now: () => number }, deploy: StoredDeploy, service: ServiceConfig, actor: string): Promise<void> {
  const facts = deploy.facts as unknown as ReleaseFacts;
  const failedKeys = facts.jira.problem !== null ? facts.jira.results.map((r) => r.key) : facts.jira.results.filter((r) => r.problem !== null).map((r) => r.key);
  const started = deps.now();
  const retried = await closeTickets(deps.tickets, service, deploy, failedKeys, started);
  if (!retried) return;
  const results = [...facts.jira.results.filter((r) => !failedKeys.includes(r.key)), ...retried.results];
  const jira = { attempted: true, results, fixVersion: retried.fixVersion ?? facts.jira.fixVersion, problem: retried.problem };
  const presses = (await deps.store.pendingActions(deploy.id)).filter((a) => a.action === 'retry').map((a) => a.id);
  await deps.store.commitStep({
    deployId: deploy.id,
    expectedRevision: deploy.revision,
    fromState: deploy.state,
    toState: deploy.state,
    facts: { ...facts, jira } as unknown as Record<string, unknown>,
    wakeAt: null,
    outcome: deploy.outcome,
    finishedAt: deploy.finishedAt,
    startedAt: started,
    at: deps.now(),
    summary: 'Jira retried',
    audit: [{ actor, action: 'jira_retry', data: { keys: failedKeys } }],
    consumedActionIds: presses,
    notes: [{ type: 'jira', results: retried.results, fixVersion: jira.fixVersion, problem: retried.problem }],
  });
}
