import { SAMPLE_HISTORY } from '../git/sample-history.js';
import type { IssueSeed, ProjectSeed, VersionSeed } from './jira-state.js';
import { CLASSIC_WORKFLOW, SOFTWARE_WORKFLOW } from './workflows.js';

export const SAMPLE_PROJECTS: ProjectSeed[] = [
  { key: 'BOARD', name: 'Board server', workflow: SOFTWARE_WORKFLOW },
  { key: 'OPS', name: 'Operations', workflow: CLASSIC_WORKFLOW },
];

/** Named as data/services.yml's `fixVersion: "board-{version}"` names them. */
const fixVersion = (version: string) => `board-${version}`;

/** How far each sample release's issues have got: the oldest is shipped, the newest in progress. */
const PROGRESS = ['Done', 'In Review', 'In Progress'];

export const SAMPLE_VERSIONS: VersionSeed[] = [
  { project: 'BOARD', name: fixVersion('1.0.0'), released: true, releaseDate: '2026-05-12' },
  { project: 'BOARD', name: fixVersion('1.1.0') },
  { project: 'BOARD', name: fixVersion('1.2.0') },
];

/**
 * The issues the sample git history mentions (BOARD-101…118, BOARD-95, OPS-7), with the rest of
 * BOARD-101…118 as backlog, so the changelog's keys all exist.
 */
export function sampleIssues(): IssueSeed[] {
  const issues = new Map<string, IssueSeed>();
  SAMPLE_HISTORY.forEach((release, index) => {
    for (const commit of release.commits) {
      const match = /^([A-Z][A-Z0-9_]+-\d+) (.+)$/.exec(commit.subject);
      if (!match || !match[1].startsWith('BOARD-')) continue;
      issues.set(match[1], { key: match[1], summary: match[2], status: PROGRESS[index], fixVersions: [fixVersion(release.version)] });
    }
  });
  issues.set('BOARD-95', { key: 'BOARD-95', summary: 'Edits are lost when two users move the same shape', issueType: 'Bug', status: 'In Progress' });
  issues.set('OPS-7', { key: 'OPS-7', summary: 'Log how long a drain takes', issueType: 'Task', status: 'In Progress' });
  for (let number = 101; number <= 118; number += 1) {
    const key = `BOARD-${number}`;
    if (!issues.has(key)) issues.set(key, { key, summary: `Backlog item ${number} of the board server`, status: 'To Do' });
  }
  return [...issues.values()];
}
