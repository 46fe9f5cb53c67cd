import { ISSUE_NOT_FOUND, requestProblem } from './jira-errors.js';
import type { JiraState } from './jira-state.js';

export interface PermissionDefinition {
  id: string;
  key: string;
  name: string;
  type: 'PROJECT' | 'GLOBAL';
  description: string;
}

/** Jira's built-in permissions the bot could ask about, with Jira's ids. */
export const PERMISSIONS: readonly PermissionDefinition[] = [
  { id: '0', key: 'ADMINISTER', name: 'Administer Jira', type: 'GLOBAL', description: 'Ability to perform most administration functions.' },
  { id: '10', key: 'BROWSE_PROJECTS', name: 'Browse Projects', type: 'PROJECT', description: 'Ability to browse projects and the issues within them.' },
  { id: '11', key: 'CREATE_ISSUES', name: 'Create Issues', type: 'PROJECT', description: 'Ability to create issues.' },
  { id: '12', key: 'EDIT_ISSUES', name: 'Edit Issues', type: 'PROJECT', description: 'Ability to edit issues.' },
  { id: '13', key: 'ASSIGN_ISSUES', name: 'Assign Issues', type: 'PROJECT', description: 'Ability to assign issues to other people.' },
  { id: '14', key: 'RESOLVE_ISSUES', name: 'Resolve Issues', type: 'PROJECT', description: 'Ability to resolve and reopen issues. This includes the ability to set a fix version.' },
  { id: '15', key: 'ADD_COMMENTS', name: 'Add Comments', type: 'PROJECT', description: 'Ability to comment on issues.' },
  { id: '18', key: 'CLOSE_ISSUES', name: 'Close Issues', type: 'PROJECT', description: 'Ability to close issues.' },
  { id: '23', key: 'ADMINISTER_PROJECTS', name: 'Administer Projects', type: 'PROJECT', description: 'Ability to administer a project in Jira.' },
  { id: '28', key: 'SCHEDULE_ISSUES', name: 'Schedule Issues', type: 'PROJECT', description: "Ability to view or edit an issue's due date." },
  { id: '34', key: 'EDIT_ALL_COMMENTS', name: 'Edit All Comments', type: 'PROJECT', description: 'Ability to edit all comments made on issues.' },
  { id: '35', key: 'EDIT_OWN_COMMENTS', name: 'Edit Own Comments', type: 'PROJECT', description: 'Ability to edit own comments made on issues.' },
  { id: '46', key: 'TRANSITION_ISSUES', name: 'Transition Issues', type: 'PROJECT', description: 'Ability to transition issues.' },
];

/** Project key → the permissions every user lacks in that project. */
export type DeniedPermissions = Record<string, string[]>;

/** Refuses a denial that names no permission the fake knows, which would silently deny nothing. */
export function checkDenied(denied: DeniedPermissions): void {
  for (const [project, keys] of Object.entries(denied)) {
    const unknown = keys.filter((key) => !PERMISSIONS.some((p) => p.key === key));
    if (unknown.length > 0) throw new Error(`denied.${project} names unknown permissions ${unknown.join(', ')}; known: ${PERMISSIONS.map((p) => p.key).join(', ')}`);
  }
}

/**
 * `GET /mypermissions`. Cloud has required `permissions` since 2019; Data Center still answers
 * every permission without it. In a project's or issue's context a permission is held unless
 * denied there; without a context, Jira answers whether it is held in any project.
 */
export function myPermissions(state: JiraState, params: URLSearchParams, denied: DeniedPermissions, dataCenter: boolean) {
  const asked = (params.get('permissions') ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (asked.length === 0 && !dataCenter) throw requestProblem(400, "The 'permissions' query parameter is required.");
  const unknown = asked.filter((key) => !PERMISSIONS.some((p) => p.key === key));
  // Jira documents a 400 for unknown keys without fixing its wording.
  if (unknown.length > 0) throw requestProblem(400, `Unrecognized permission keys: ${unknown.join(', ')}`);
  const wanted = asked.length === 0 ? PERMISSIONS : PERMISSIONS.filter((p) => asked.includes(p.key));
  const projects = contextProjects(state, params);
  const lacks = (project: string, key: string) => (denied[project] ?? []).includes(key);
  return {
    permissions: Object.fromEntries(wanted.map((p) => [p.key, { ...p, havePermission: projects.some((project) => !lacks(project, p.key)) }])),
  };
}

/** The projects the question is about: one for a project or issue context, all of them otherwise. */
function contextProjects(state: JiraState, params: URLSearchParams): string[] {
  const projectId = params.get('projectId');
  if (projectId) {
    const found = state.projects().find((p) => p.id === projectId);
    if (!found) throw requestProblem(404, `No project could be found with id '${projectId}'.`);
    return [found.key];
  }
  const projectKey = params.get('projectKey');
  if (projectKey) return [state.project(projectKey).key];
  const issueId = params.get('issueId');
  if (issueId) {
    const found = state.allIssues().find((i) => i.id === issueId);
    if (!found) throw requestProblem(404, ISSUE_NOT_FOUND);
    return [found.project.key];
  }
  const issueKey = params.get('issueKey');
  if (issueKey) return [state.issue(issueKey).project.key];
  return state.projects().map((p) => p.key);
}
