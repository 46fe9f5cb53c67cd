import type { ErrorOccurrence } from './error-event.js';
import type { IssueStatus } from './search-query.js';

/** An issue as Sentry's issues API sends it (the fields the bot reads). */
export interface SentryIssueJson {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  permalink: string;
  level: string;
  status: IssueStatus;
  /** Sentry sends the event count as a string. */
  count: string;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
  isUnhandled: boolean;
  project: { id: string; slug: string };
}

export interface SentryProject {
  id: string;
  slug: string;
}

/** A ready-made issue for tests; omitted fields get plausible values. */
export interface IssueInput {
  title: string;
  projectId?: string;
  firstRelease?: string;
  environment?: string;
  level?: string;
  status?: IssueStatus;
  count?: number;
  userCount?: number;
  culprit?: string;
  isUnhandled?: boolean;
  /** Epoch ms; defaults to now. */
  firstSeen?: number;
  lastSeen?: number;
}

export interface IssueFilter {
  /** Empty: every project. */
  projectIds: string[];
  /** Empty: every environment. */
  environments: string[];
  firstRelease?: string;
  status?: IssueStatus;
  /** Only issues seen at or after this epoch ms. */
  since?: number;
  sort: IssueSort;
}

/** Sentry's `sort` values: last seen, first seen, events, users; each newest or largest first. */
const ISSUE_SORTS = ['date', 'new', 'freq', 'user'] as const;
export type IssueSort = (typeof ISSUE_SORTS)[number];

export function isIssueSort(value: string): value is IssueSort {
  return (ISSUE_SORTS as readonly string[]).includes(value);
}

const ORDER: Record<IssueSort, (a: StoredIssue, b: StoredIssue) => number> = {
  date: (a, b) => b.lastSeen - a.lastSeen,
  new: (a, b) => b.firstSeen - a.firstSeen,
  freq: (a, b) => b.count - a.count,
  user: (a, b) => b.userCount - a.userCount,
};

interface StoredIssue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  level: string;
  status: IssueStatus;
  count: number;
  userCount: number;
  users: Set<string>;
  firstSeen: number;
  lastSeen: number;
  isUnhandled: boolean;
  project: SentryProject;
  firstRelease: string | null;
  environments: Set<string>;
  groupKey: string | null;
}

export interface IssueStoreOptions {
  projects: SentryProject[];
  now: () => number;
  permalink: (issueId: string) => string;
}

export function createIssueStore(options: IssueStoreOptions) {
  const projects = new Map(options.projects.map((p) => [p.id, { ...p }]));
  const issues: StoredIssue[] = [];
  let nextId = 4_500_000_001;
  const perProjectCounter = new Map<string, number>();

  const projectFor = (id: string): SentryProject => {
    let project = projects.get(id);
    if (!project) {
      // SDKs may report to a project nobody declared; real Sentry would refuse, the sandbox adapts.
      project = { id, slug: `project-${id}` };
      projects.set(id, project);
    }
    return project;
  };

  const create = (project: SentryProject, fields: Omit<StoredIssue, 'id' | 'shortId' | 'project'>): StoredIssue => {
    const n = (perProjectCounter.get(project.id) ?? 0) + 1;
    perProjectCounter.set(project.id, n);
    const issue: StoredIssue = {
      ...fields,
      id: String(nextId++),
      shortId: `${project.slug.toUpperCase()}-${n.toString(36).toUpperCase()}`,
      project,
    };
    issues.push(issue);
    return issue;
  };

  const toJson = (issue: StoredIssue): SentryIssueJson => ({
    id: issue.id,
    shortId: issue.shortId,
    title: issue.title,
    culprit: issue.culprit,
    permalink: options.permalink(issue.id),
    level: issue.level,
    status: issue.status,
    count: String(issue.count),
    userCount: issue.userCount,
    firstSeen: new Date(issue.firstSeen).toISOString(),
    lastSeen: new Date(issue.lastSeen).toISOString(),
    isUnhandled: issue.isUnhandled,
    project: { ...issue.project },
  });

  return {
    projectById(id: string): SentryProject | undefined {
      return projects.get(id);
    },

    projectBySlug(slug: string): SentryProject | undefined {
      return [...projects.values()].find((p) => p.slug === slug);
    },

    add(input: IssueInput): SentryIssueJson {
      const project = projectFor(input.projectId ?? options.projects[0]?.id ?? '1');
      const firstSeen = input.firstSeen ?? options.now();
      const issue = create(project, {
        title: input.title,
        culprit: input.culprit ?? '',
        level: input.level ?? 'error',
        status: input.status ?? 'unresolved',
        count: input.count ?? 1,
        userCount: input.userCount ?? 0,
        users: new Set(),
        firstSeen,
        lastSeen: input.lastSeen ?? firstSeen,
        isUnhandled: input.isUnhandled ?? false,
        firstRelease: input.firstRelease ?? null,
        environments: new Set(input.environment ? [input.environment] : []),
        groupKey: null,
      });
      return toJson(issue);
    },

    /** Folds one event into its issue, creating the issue on the group's first event. */
    record(projectId: string, occurrence: ErrorOccurrence): SentryIssueJson {
      const project = projectFor(projectId);
      const at = occurrence.timestamp ?? options.now();
      let issue = issues.find((i) => i.project.id === project.id && i.groupKey === occurrence.groupKey);
      if (!issue) {
        issue = create(project, {
          title: occurrence.title,
          culprit: occurrence.culprit,
          level: occurrence.level,
          status: 'unresolved',
          count: 0,
          userCount: 0,
          users: new Set(),
          firstSeen: at,
          lastSeen: at,
          isUnhandled: false,
          firstRelease: occurrence.release ?? null,
          environments: new Set(),
          groupKey: occurrence.groupKey,
        });
      }
      issue.count += 1;
      issue.level = occurrence.level;
      issue.lastSeen = Math.max(issue.lastSeen, at);
      issue.firstSeen = Math.min(issue.firstSeen, at);
      issue.isUnhandled ||= occurrence.isUnhandled;
      if (occurrence.environment) issue.environments.add(occurrence.environment);
      if (occurrence.userKey && !issue.users.has(occurrence.userKey)) {
        issue.users.add(occurrence.userKey);
        issue.userCount += 1;
      }
      return toJson(issue);
    },

    search(filter: IssueFilter): SentryIssueJson[] {
      return issues
        .filter(
          (i) =>
            (filter.projectIds.length === 0 || filter.projectIds.includes(i.project.id)) &&
            (filter.environments.length === 0 || filter.environments.some((e) => i.environments.has(e))) &&
            (filter.firstRelease === undefined || i.firstRelease === filter.firstRelease) &&
            (filter.status === undefined || i.status === filter.status) &&
            (filter.since === undefined || i.lastSeen >= filter.since),
        )
        .sort((a, b) => ORDER[filter.sort](a, b) || Number(b.id) - Number(a.id))
        .map(toJson);
    },

    all(): SentryIssueJson[] {
      return issues.map(toJson);
    },
  };
}

export type IssueStore = ReturnType<typeof createIssueStore>;
