import { AwsError } from './aws-error.js';
import type { QueryParams } from './query-params.js';

/** EC2's MaxResults / NextToken over an ordered result; the token is an opaque offset. */
export function paginate<T>(records: T[], params: QueryParams, limits: { min: number; max: number }): { page: T[]; nextToken?: string } {
  const maxResults = params.integer('MaxResults');
  const token = params.get('NextToken');
  if (maxResults !== undefined && (maxResults < limits.min || maxResults > limits.max)) {
    throw new AwsError('InvalidParameterValue', `Value (${maxResults}) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`);
  }
  const offset = token === undefined ? 0 : decodeOffset(token);
  const end = maxResults === undefined ? records.length : offset + maxResults;
  return { page: records.slice(offset, end), nextToken: end < records.length ? encodeOffset(end) : undefined };
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeOffset(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the error EC2 gives for a token it did not issue.
  }
  throw new AwsError('InvalidPaginationToken', `The specified pagination token is not valid or is expired: ${token}`);
}
