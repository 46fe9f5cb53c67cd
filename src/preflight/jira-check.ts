import { closingTransitions, findDoneTransition, screenFields } from '../adapters/jira/done-transition.js';
import { createJiraClient, type JiraAccessReads, type JiraClient } from '../adapters/jira/jira-client.js';
import { JiraError } from '../adapters/jira/jira-error.js';
import type { ServiceConfig } from '../config/catalog.js';
import { failed, ok, warning, type CheckLine } from './report.js';
import { listed } from './wording.js';

export interface JiraCheckOptions {
  /** JIRA_URL, JIRA_EMAIL + JIRA_API_TOKEN (Cloud), JIRA_PAT (Data Center); undefined when not set. */
  url?: string;
  email?: string;
  apiToken?: string;
  pat?: string;
  timeoutMs?: number;
}

type JiraSettings = NonNullable<ServiceConfig['jira']>;

const AREA = 'Jira';

/** What closing a release's issues needs in each project, and what the bot does with it. */
const NEEDED: { key: string; name: string; for: string }[] = [
  { key: 'BROWSE_PROJECTS', name: 'Browse Projects', for: 'read the issues' },
  { key: 'ADD_COMMENTS', name: 'Add Comments', for: 'leave the release comment' },
  { key: 'TRANSITION_ISSUES', name: 'Transition Issues', for: 'move the issues to done' },
  { key: 'ADMINISTER_PROJECTS', name: 'Administer Projects', for: 'create and release the fix version' },
];

/**
 * Signs in to Jira, then per project of `jira.projects` reads the bot's permissions and the
 * transitions of one open issue, looking for `jira.doneTransition` as a release does. Reads only.
 */
export async function checkJira(service: ServiceConfig, options: JiraCheckOptions): Promise<CheckLine[]> {
  const jira = service.jira;
  if (!jira) return [ok(AREA, `not configured for ${service.name}: no issue is closed on release`)];
  const unset = missingSetting(options);
  if (unset || !options.url) {
    return [
      failed(
        AREA,
        `the catalog names Jira projects (${jira.projects.join(', ')}) for ${service.name}, but ${unset}: /prerelease and /release refuse the service`,
        `set JIRA_URL with JIRA_EMAIL + JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center), or remove jira from ${service.name} in the service catalog`,
      ),
    ];
  }
  const fixes = credentialFixes(options.url, options.pat ? 'pat' : 'cloud');
  const client = createJiraClient({ url: options.url, email: options.email, apiToken: options.apiToken, pat: options.pat, timeoutMs: options.timeoutMs });

  let user: string;
  try {
    user = (await client.myself()).displayName;
  } catch (error) {
    return [problemLine(error, fixes)];
  }
  const lines = [ok(AREA, `signed in to ${new URL(options.url).origin} as ${user}`)];
  for (const project of jira.projects) {
    const permissions = await permissionLine(client, project, user, fixes);
    lines.push(permissions.line);
    // A project Jira does not know has no workflow to look at.
    if (permissions.known) lines.push(await transitionLine(client, project, jira, { user, mayTransition: permissions.mayTransition }, fixes));
  }
  return lines;
}

async function permissionLine(client: JiraAccessReads, project: string, user: string, fixes: Fixes): Promise<{ line: CheckLine; known: boolean; mayTransition: boolean }> {
  let held: Record<string, boolean>;
  try {
    held = await client.permissions(project, NEEDED.map((p) => p.key));
  } catch (error) {
    if (error instanceof JiraError && error.code === 'NotFound') {
      const line = failed(AREA, `Jira knows no project ${project} that ${user} can see: ${error.message}`, `check jira.projects in the service catalog (${project}), and that ${user} may browse that project`);
      return { line, known: false, mayTransition: false };
    }
    return { line: problemLine(error, fixes), known: true, mayTransition: true };
  }
  const mayTransition = held.TRANSITION_ISSUES === true;
  const missing = NEEDED.filter((p) => !held[p.key]);
  if (missing.length === 0) return { line: ok(AREA, `${user} holds ${NEEDED.map((p) => p.name).join(', ')} in ${project}`), known: true, mayTransition };
  const line = failed(
    AREA,
    `${user} lacks ${missing.map((p) => p.name).join(', ')} in ${project}, so a release could not ${missing.map((p) => p.for).join(', nor ')}`,
    `grant ${user} ${missing.map((p) => `${p.name} (${p.key})`).join(', ')} in the permission scheme of ${project} (Project settings → Permissions)`,
  );
  return { line, known: true, mayTransition };
}

/** The transitions Jira offers depend on the issue's status, so one open issue stands for the rest. */
async function transitionLine(client: JiraClient & JiraAccessReads, project: string, jira: JiraSettings, bot: { user: string; mayTransition: boolean }, fixes: Fixes): Promise<CheckLine> {
  try {
    const issue = await client.openIssue(project);
    if (!issue) {
      return warning(
        AREA,
        `${project} has no open issue, so whether its workflow offers "${jira.doneTransition}" could not be seen`,
        `run the check again once ${project} has an issue that is not done`,
      );
    }
    const transitions = await client.transitions(issue.key);
    const done = findDoneTransition(transitions, jira.doneTransition);
    if (!done) {
      const offered = transitions.length > 0 ? `offers the transitions ${listed(transitions.map((t) => `"${t.name}"`), 10)}` : `offers ${bot.user} no transition`;
      const detail = `${issue.key} (${issue.status}) ${offered}; none is named "${jira.doneTransition}", so a release would leave ${project}'s issues open`;
      // Jira lists only the transitions the user may make.
      if (!bot.mayTransition) return failed(AREA, `${detail}; ${bot.user} lacks Transition Issues there`, `grant ${bot.user} Transition Issues in ${project} first, then run the check again`);
      const closing = closingTransitions(transitions).map((t) => `"${t.name}"`);
      const instead = closing.length > 0 ? `set jira.doneTransition to ${closing.join(' or ')} (into a done status)` : 'set jira.doneTransition to the transition that closes an issue';
      return failed(AREA, detail, `${instead}, or add a "${jira.doneTransition}" transition to ${project}'s workflow`);
    }
    const screen = screenFields(done);
    if ('unfillable' in screen) {
      return failed(
        AREA,
        `the "${done.name}" transition of ${issue.key} asks for ${screen.unfillable.join(', ')}, which the bot cannot fill in`,
        `give those fields a default or take them off the "${done.name}" transition's screen in ${project}'s workflow`,
      );
    }
    return ok(AREA, `${issue.key} (${issue.status}) offers "${done.name}", the jira.doneTransition of ${project}`);
  } catch (error) {
    return problemLine(error, fixes);
  }
}

function missingSetting(options: JiraCheckOptions): string | null {
  if (!options.url) return 'JIRA_URL is not set';
  if (!URL.canParse(options.url)) return 'JIRA_URL is not a URL';
  return options.pat || (options.email && options.apiToken) ? null : 'neither JIRA_EMAIL + JIRA_API_TOKEN nor JIRA_PAT is set';
}

type Fixes = Record<string, string>;

function credentialFixes(url: string, auth: 'cloud' | 'pat'): Fixes {
  const address = `check JIRA_URL (now ${url}) and that the bot can reach Jira there`;
  const base = `set JIRA_URL (now ${url}) to Jira's base address, with its context path if it has one (e.g. /jira)`;
  return {
    Unauthorized: auth === 'pat' ? "check JIRA_PAT: it must be a valid personal access token of the bot's Jira user" : 'check JIRA_EMAIL and JIRA_API_TOKEN: the API token must belong to that account (Atlassian API tokens expire)',
    Forbidden: "give the bot's Jira user the permission Jira names",
    Unreachable: address,
    Timeout: address,
    Redirected: base,
    NotFound: base,
    BadResponse: base,
    Gone: 'this Jira no longer offers an API the bot uses: report it',
    ServerError: "Jira failed to answer: run the check again, and see Jira's status page or log if it persists",
  };
}

function problemLine(error: unknown, fixes: Fixes): CheckLine {
  if (!(error instanceof JiraError)) return failed(AREA, error instanceof Error ? error.message : String(error), 'run the check again; report the message if it persists');
  if (error.code === 'RateLimited') {
    const after = error.retryAt === undefined ? 'in a minute' : `after ${new Date(error.retryAt).toISOString()}`;
    return warning(AREA, error.message, `run the check again ${after}`);
  }
  return failed(AREA, error.message, fixes[error.code ?? ''] ?? 'run the check again; report the message if it persists');
}
