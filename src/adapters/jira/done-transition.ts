import type { JiraTransition } from './jira-client.js';

/** Resolutions a done transition's screen may ask for, in order of preference. */
const DONE_RESOLUTIONS = ['done', 'fixed', 'resolved', 'complete', 'completed'];

/** The transition `jira.doneTransition` names: spaces around it and case do not matter. */
export function findDoneTransition(transitions: JiraTransition[], doneName: string): JiraTransition | undefined {
  const wanted = doneName.trim().toLowerCase();
  return transitions.find((t) => t.name.trim().toLowerCase() === wanted);
}

/**
 * Required fields of the transition's screen: a resolution is chosen (Done, Fixed, … or the first
 * offered); any other required field without a default cannot be guessed.
 */
export function screenFields(transition: JiraTransition): { values?: Record<string, unknown> } | { unfillable: string[] } {
  const values: Record<string, unknown> = {};
  const unfillable: string[] = [];
  for (const [id, field] of Object.entries(transition.fields ?? {})) {
    if (!field.required || field.hasDefaultValue) continue;
    const allowed = field.allowedValues ?? [];
    if (id === 'resolution' && allowed.length > 0) {
      const preferred = DONE_RESOLUTIONS.map((name) => allowed.find((v) => v.name?.toLowerCase() === name)).find(Boolean) ?? allowed[0];
      values.resolution = preferred.id ? { id: preferred.id } : { name: preferred.name };
      continue;
    }
    unfillable.push(field.name ?? id);
  }
  if (unfillable.length > 0) return { unfillable };
  return Object.keys(values).length > 0 ? { values } : {};
}

/** Transitions into a status of the done category: what `jira.doneTransition` could name instead. */
export function closingTransitions(transitions: JiraTransition[]): JiraTransition[] {
  return transitions.filter((t) => (t.to as { statusCategory?: { key?: unknown } } | undefined)?.statusCategory?.key === 'done');
}
