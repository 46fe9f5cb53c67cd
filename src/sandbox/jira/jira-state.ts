import { fieldProblem, ISSUE_NOT_FOUND, requestProblem } from './jira-errors.js';
import { RESOLUTIONS, statusOf, transitionsFrom, type Workflow, type WorkflowTransition } from './workflows.js';

export interface Project {
  id: string;
  key: string;
  name: string;
  workflow: Workflow;
}

export interface Actor {
  accountId: string;
  displayName: string;
}

export interface Comment {
  id: string;
  body: string;
  author: Actor;
  created: number;
}

export interface Issue {
  id: string;
  key: string;
  project: Project;
  summary: string;
  issueType: string;
  status: string;
  resolution: string | null;
  fixVersionIds: string[];
  comments: Comment[];
  created: number;
  updated: number;
}

export interface Version {
  id: string;
  name: string;
  projectId: string;
  released: boolean;
  archived: boolean;
  releaseDate?: string;
  description?: string;
}

export interface ProjectSeed {
  key: string;
  name: string;
  workflow: Workflow;
}

export interface IssueSeed {
  key: string;
  summary: string;
  /** The workflow's initial status when absent. */
  status?: string;
  issueType?: string;
  /** Version names of the issue's project; missing ones are created unreleased. */
  fixVersions?: string[];
}

export interface VersionSeed {
  project: string;
  name: string;
  released?: boolean;
  releaseDate?: string;
}

/** What POST /version and PUT /version/{id} may carry. */
export interface VersionInput {
  name?: unknown;
  projectId?: unknown;
  project?: unknown;
  released?: unknown;
  archived?: unknown;
  releaseDate?: unknown;
  description?: unknown;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Projects, issues with their workflow status and comments, and versions, as Jira keeps them. */
export function createJiraState(options: { projects: ProjectSeed[]; now: () => number }) {
  const projects = new Map<string, Project>();
  const issues = new Map<string, Issue>();
  const versions = new Map<string, Version>();
  let nextId = 10_100;
  const newId = () => String(nextId++);

  options.projects.forEach((seed, index) => {
    projects.set(seed.key, { id: String(10_000 + index), key: seed.key, name: seed.name, workflow: seed.workflow });
  });

  const project = (key: string): Project => {
    const found = projects.get(key.toUpperCase());
    if (!found) throw requestProblem(404, `No project could be found with key '${key}'.`);
    return found;
  };

  const issue = (key: string): Issue => {
    const found = issues.get(key.toUpperCase());
    if (!found) throw requestProblem(404, ISSUE_NOT_FOUND);
    return found;
  };

  const versionsOf = (projectKey: string): Version[] => {
    const { id } = project(projectKey);
    return [...versions.values()].filter((v) => v.projectId === id);
  };

  const versionNamed = (projectKey: string, name: string): Version | undefined =>
    versionsOf(projectKey).find((v) => v.name.toLowerCase() === name.toLowerCase());

  const addVersion = (seed: VersionSeed): Version => {
    const existing = versionNamed(seed.project, seed.name);
    if (existing) return existing;
    const version: Version = {
      id: newId(),
      name: seed.name,
      projectId: project(seed.project).id,
      released: seed.released ?? false,
      archived: false,
      ...(seed.releaseDate ? { releaseDate: seed.releaseDate } : {}),
    };
    versions.set(version.id, version);
    return version;
  };

  const ownerOf = (version: Version): Project => {
    const owner = [...projects.values()].find((p) => p.id === version.projectId);
    if (!owner) throw new Error(`version ${version.id} belongs to no project`);
    return owner;
  };

  const touch = (target: Issue) => {
    target.updated = options.now();
  };

  return {
    project,
    issue,
    versionsOf,

    projects(): Project[] {
      return [...projects.values()];
    },

    allIssues(): Issue[] {
      return [...issues.values()];
    },

    allVersions(): Version[] {
      return [...versions.values()];
    },

    addIssue(seed: IssueSeed): Issue {
      const projectKey = /^([A-Z][A-Z0-9_]+)-\d+$/.exec(seed.key)?.[1];
      if (!projectKey) throw new Error(`${seed.key} is not an issue key`);
      const owner = project(projectKey);
      const status = seed.status ?? owner.workflow.initial;
      const created = options.now();
      const added: Issue = {
        id: newId(),
        key: seed.key,
        project: owner,
        summary: seed.summary,
        issueType: seed.issueType ?? 'Story',
        status: statusOf(owner.workflow, status).name,
        resolution: statusOf(owner.workflow, status).category === 'done' ? 'Done' : null,
        fixVersionIds: (seed.fixVersions ?? []).map((name) => addVersion({ project: projectKey, name }).id),
        comments: [],
        created,
        updated: created,
      };
      issues.set(added.key, added);
      return added;
    },

    addVersion,

    setStatus(key: string, status: string): void {
      const target = issue(key);
      const next = statusOf(target.project.workflow, status);
      target.status = next.name;
      target.resolution = next.category === 'done' ? (target.resolution ?? 'Done') : null;
      touch(target);
    },

    transitionsOf(target: Issue): WorkflowTransition[] {
      return transitionsFrom(target.project.workflow, target.status);
    },

    transition(key: string, transitionId: unknown, fields: Record<string, unknown> | undefined): void {
      const target = issue(key);
      const chosen = transitionsFrom(target.project.workflow, target.status).find((t) => t.id === String(transitionId));
      if (!chosen) {
        const named = target.project.workflow.transitions.find((t) => t.id === String(transitionId));
        throw requestProblem(
          400,
          `It seems that you have tried to perform a workflow operation (${named?.name ?? String(transitionId)}) that is not valid for the current state of this issue (${target.key}). The likely cause is that somebody has changed the issue recently, please look at the issue history for details.`,
        );
      }
      const resolution = resolutionOf(fields?.resolution);
      if (chosen.requiresResolution && !resolution) throw fieldProblem({ resolution: 'Resolution is required.' });
      const to = statusOf(target.project.workflow, chosen.to);
      target.status = to.name;
      target.resolution = to.category === 'done' ? (resolution ?? 'Done') : null;
      touch(target);
    },

    addComment(key: string, body: unknown, author: Actor): Comment {
      const target = issue(key);
      if (typeof body !== 'string' || body.trim() === '') throw fieldProblem({ comment: 'Comment body can not be empty!' });
      const comment: Comment = { id: newId(), body, author, created: options.now() };
      target.comments.push(comment);
      touch(target);
      return comment;
    },

    createVersion(input: VersionInput): Version {
      const owner =
        input.projectId !== undefined
          ? [...projects.values()].find((p) => p.id === String(input.projectId))
          : typeof input.project === 'string'
            ? projects.get(input.project)
            : undefined;
      if (!owner) throw fieldProblem({ project: 'Project must be specified to create a version.' });
      if (typeof input.name !== 'string' || input.name.trim() === '') throw fieldProblem({ name: 'You must specify a valid version name' });
      if (versionNamed(owner.key, input.name)) throw fieldProblem({ name: 'A version with this name already exists in this project.' });
      const version = addVersion({ project: owner.key, name: input.name });
      return applyVersionChanges(version, { ...input, name: undefined });
    },

    updateVersion(id: string, input: VersionInput): Version {
      const version = versions.get(id);
      if (!version) throw requestProblem(404, `Could not find version for id '${id}'`);
      return applyVersionChanges(version, input);
    },
  };

  function applyVersionChanges(version: Version, input: VersionInput): Version {
    if (input.releaseDate !== undefined && (typeof input.releaseDate !== 'string' || !ISO_DATE.test(input.releaseDate))) {
      throw fieldProblem({ releaseDate: 'Please enter the date in the following format: yyyy-MM-dd' });
    }
    if (typeof input.name === 'string' && input.name.trim() !== '') {
      const clash = versionNamed(ownerOf(version).key, input.name);
      if (clash && clash.id !== version.id) throw fieldProblem({ name: 'A version with this name already exists in this project.' });
      version.name = input.name;
    }
    if (typeof input.released === 'boolean') version.released = input.released;
    if (typeof input.archived === 'boolean') version.archived = input.archived;
    if (typeof input.releaseDate === 'string') version.releaseDate = input.releaseDate;
    if (typeof input.description === 'string') version.description = input.description;
    return version;
  }
}

export type JiraState = ReturnType<typeof createJiraState>;

/** A resolution given as {name} or {id}; an unknown one is no resolution. */
function resolutionOf(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null;
  const { id, name } = value as { id?: unknown; name?: unknown };
  return RESOLUTIONS.find((r) => r.id === id || r.name === name)?.name ?? null;
}
