import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Actor } from './jira-state.js';

/** Someone the fake knows: Cloud users sign in with email + API token, Data Center users with a PAT. */
export interface JiraUser {
  displayName: string;
  email?: string;
  apiToken?: string;
  pat?: string;
  /** The Data Center login name; the email's local part by default. */
  username?: string;
  /** What /myself reports; Etc/UTC by default. */
  timeZone?: string;
}

export const SANDBOX_JIRA_USER = {
  displayName: 'Release Bot',
  email: 'release-bot@boards.example',
  apiToken: 'sandbox-jira-api-token',
  pat: 'sandbox-jira-pat',
} as const satisfies JiraUser;

export type Authentication = { actor: Actor; user: JiraUser; scheme: 'basic' | 'bearer' } | { failure: 'missing' | 'wrong' };

export function authenticate(headers: IncomingHttpHeaders, users: readonly JiraUser[]): Authentication {
  const header = headers.authorization;
  if (!header) return { failure: 'missing' };
  const [scheme, credentials = ''] = header.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const email = decoded.slice(0, colon);
    const token = decoded.slice(colon + 1);
    const user = colon > 0 ? users.find((u) => u.email === email && u.apiToken === token) : undefined;
    return user ? { actor: actorOf(user), user, scheme: 'basic' } : { failure: 'wrong' };
  }
  if (scheme.toLowerCase() === 'bearer') {
    const user = users.find((u) => u.pat !== undefined && u.pat === credentials);
    return user ? { actor: actorOf(user), user, scheme: 'bearer' } : { failure: 'wrong' };
  }
  return { failure: 'wrong' };
}

/**
 * Jira's answers to a request it cannot authenticate: JSON without credentials; with wrong ones,
 * the plain-text line and login-reason header Jira Cloud sends.
 */
export function sendUnauthenticated(response: ServerResponse, failure: 'missing' | 'wrong'): void {
  if (failure === 'missing') {
    response.writeHead(401, { 'content-type': 'application/json;charset=UTF-8' });
    response.end(JSON.stringify({ errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} }));
    return;
  }
  response.writeHead(401, { 'content-type': 'text/plain;charset=UTF-8', 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' });
  response.end('Client must be authenticated to access this resource.');
}

function actorOf(user: JiraUser): Actor {
  const id = user.email ?? user.displayName;
  return { accountId: Buffer.from(id).toString('hex').slice(0, 24), displayName: user.displayName };
}
