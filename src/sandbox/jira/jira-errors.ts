/** Jira's error body: messages about the request as a whole, and messages per field. */
export interface JiraErrorBody {
  errorMessages: string[];
  errors: Record<string, string>;
}

export class JiraApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: JiraErrorBody,
  ) {
    super(`${status}: ${[...body.errorMessages, ...Object.values(body.errors)].join('; ')}`);
    this.name = 'JiraApiError';
  }
}

export function requestProblem(status: number, ...messages: string[]): JiraApiError {
  return new JiraApiError(status, { errorMessages: messages, errors: {} });
}

export function fieldProblem(errors: Record<string, string>): JiraApiError {
  return new JiraApiError(400, { errorMessages: [], errors });
}

/** What Jira Cloud answers on the search endpoints it removed in 2025 (CHANGE-2046). */
export const SEARCH_REMOVED: JiraErrorBody = {
  errorMessages: [
    'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046',
  ],
  errors: {},
};

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';
