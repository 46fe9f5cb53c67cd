import type { Comment, Issue, Project, Version } from './jira-state.js';
import { RESOLUTIONS, STATUS_CATEGORIES, statusOf, type Workflow, type WorkflowStatus, type WorkflowTransition } from './workflows.js';

/** Jira's REST shapes (API v2) of the fake's records; `base` is the server's URL for `self` links. */

export function jiraTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

export function statusJson(base: string, status: WorkflowStatus) {
  const category = STATUS_CATEGORIES[status.category];
  return {
    self: `${base}/rest/api/2/status/${status.id}`,
    description: '',
    iconUrl: `${base}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: { self: `${base}/rest/api/2/statuscategory/${category.id}`, id: category.id, key: status.category, colorName: category.colorName, name: category.name },
  };
}

export function projectJson(base: string, project: Project) {
  return { self: `${base}/rest/api/2/project/${project.id}`, id: project.id, key: project.key, name: project.name, projectTypeKey: 'software' };
}

export function versionJson(base: string, version: Version) {
  return {
    self: `${base}/rest/api/2/version/${version.id}`,
    id: version.id,
    name: version.name,
    ...(version.description !== undefined ? { description: version.description } : {}),
    archived: version.archived,
    released: version.released,
    ...(version.releaseDate ? { releaseDate: version.releaseDate } : {}),
    projectId: Number(version.projectId),
  };
}

export function commentJson(base: string, issue: Issue, comment: Comment) {
  const author = { accountId: comment.author.accountId, displayName: comment.author.displayName, active: true };
  return {
    self: `${base}/rest/api/2/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author,
    body: comment.body,
    updateAuthor: author,
    created: jiraTime(comment.created),
    updated: jiraTime(comment.created),
    jsdPublic: true,
  };
}

export function transitionJson(base: string, workflow: Workflow, transition: WorkflowTransition, withFields: boolean) {
  return {
    id: transition.id,
    name: transition.name,
    to: statusJson(base, statusOf(workflow, transition.to)),
    hasScreen: Boolean(transition.requiresResolution),
    isGlobal: false,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
    ...(withFields ? { fields: transition.requiresResolution ? { resolution: resolutionField(base) } : {} } : {}),
  };
}

function resolutionField(base: string) {
  return {
    required: true,
    schema: { type: 'resolution', system: 'resolution' },
    name: 'Resolution',
    key: 'resolution',
    operations: ['set'],
    allowedValues: RESOLUTIONS.map((r) => ({ self: `${base}/rest/api/2/resolution/${r.id}`, id: r.id, name: r.name })),
  };
}

/**
 * The issue with the fields asked for: a comma-separated list, `*all` / `*navigable` (everything
 * the fake has), or nothing. Unknown names are ignored, as Jira does.
 */
export function issueJson(base: string, issue: Issue, versions: Version[], fields: string[]) {
  const all: Record<string, () => unknown> = {
    summary: () => issue.summary,
    status: () => statusJson(base, statusOf(issue.project.workflow, issue.status)),
    resolution: () => {
      const resolution = RESOLUTIONS.find((r) => r.name === issue.resolution);
      return resolution ? { self: `${base}/rest/api/2/resolution/${resolution.id}`, id: resolution.id, name: resolution.name } : null;
    },
    project: () => projectJson(base, issue.project),
    issuetype: () => ({ name: issue.issueType, subtask: false }),
    fixVersions: () => versions.filter((v) => issue.fixVersionIds.includes(v.id)).map((v) => versionJson(base, v)),
    created: () => jiraTime(issue.created),
    updated: () => jiraTime(issue.updated),
    comment: () => ({
      comments: issue.comments.map((c) => commentJson(base, issue, c)),
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    }),
  };
  const wanted = fields.some((f) => f === '*all' || f === '*navigable') ? Object.keys(all) : fields.filter((f) => f in all);
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${base}/rest/api/2/issue/${issue.id}`,
    key: issue.key,
    fields: Object.fromEntries(wanted.map((name) => [name, all[name]()])),
  };
}
