import type { ServerResponse } from 'node:http';
import { sendUnauthenticated } from './auth.js';
import { sendJson } from './http-io.js';
import { SEARCH_REMOVED } from './jira-errors.js';

export interface FaultTarget {
  /** A substring of the path, or a pattern it must match; every path when absent. */
  path?: string | RegExp;
  method?: string;
  /** How many matching requests it affects (1 by default). */
  times?: number;
}

type Fault = { kind: 'status'; status: number } | { kind: 'hang' };

interface Rule {
  fault: Fault;
  target: FaultTarget;
  remaining: number;
}

/** Trouble the fake causes on matching requests, before it looks at credentials. */
export function createFaults() {
  const rules: Rule[] = [];

  const matching = (rule: Rule, method: string, path: string) => {
    const { path: pattern, method: wanted } = rule.target;
    if (wanted && wanted.toUpperCase() !== method) return false;
    if (pattern === undefined) return true;
    return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
  };

  return {
    failNext(status: number, target: FaultTarget = {}): void {
      rules.push({ fault: { kind: 'status', status }, target, remaining: target.times ?? 1 });
    },

    /** Never answers (until the server closes), to exercise client timeouts. */
    hangNext(target: FaultTarget = {}): void {
      rules.push({ fault: { kind: 'hang' }, target, remaining: target.times ?? 1 });
    },

    /** Answers with the first matching fault; false when none applies. */
    apply(method: string, path: string, response: ServerResponse): boolean {
      const rule = rules.find((r) => r.remaining > 0 && matching(r, method, path));
      if (!rule) return false;
      rule.remaining -= 1;
      if (rule.fault.kind === 'status') sendFault(response, rule.fault.status);
      return true;
    },
  };
}

function sendFault(response: ServerResponse, status: number): void {
  if (status === 401) return sendUnauthenticated(response, 'wrong');
  if (status === 410) return sendJson(response, 410, SEARCH_REMOVED);
  if (status === 429) return sendJson(response, 429, { errorMessages: ['Rate limit exceeded.'], errors: {} }, { 'retry-after': '5' });
  if (status >= 502 && status <= 504) {
    // What a proxy in front of Jira sends while Jira is down: HTML, not Jira's JSON.
    response.writeHead(status, { 'content-type': 'text/html' });
    response.end(`<html><head><title>${status} Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>`);
    return;
  }
  const message = status === 403 ? 'You do not have the permission to perform this operation.' : status >= 500 ? 'Internal server error' : `Request failed with status ${status}`;
  sendJson(response, status, { errorMessages: [message], errors: {} });
}
