/**
 * Sentry paginates with opaque cursors in a `Link` header that always carries both a "previous"
 * and a "next" link, each saying whether it has results. Cursors here are `0:<offset>:<isPrev>`,
 * the shape Sentry uses for offset paging.
 */

export interface Page<T> {
  items: T[];
  link: string;
}

export function paginate<T>(all: T[], requestUrl: URL, cursor: string | null, pageSize: number): Page<T> {
  const offset = offsetOf(cursor);
  const items = all.slice(offset, offset + pageSize);
  const previousOffset = Math.max(0, offset - pageSize);
  const nextOffset = offset + pageSize;
  const link = [
    linkTo(requestUrl, `0:${previousOffset}:1`, 'previous', offset > 0),
    linkTo(requestUrl, `0:${nextOffset}:0`, 'next', nextOffset < all.length),
  ].join(', ');
  return { items, link };
}

export class InvalidCursorError extends Error {}

function offsetOf(cursor: string | null): number {
  if (cursor === null || cursor === '') return 0;
  const match = /^\d+:(\d+):[01]$/.exec(cursor);
  if (!match) throw new InvalidCursorError(`invalid cursor ${JSON.stringify(cursor)}`);
  return Number(match[1]);
}

function linkTo(requestUrl: URL, cursor: string, rel: 'previous' | 'next', results: boolean): string {
  const url = new URL(requestUrl);
  url.searchParams.set('cursor', cursor);
  return `<${url.href}>; rel="${rel}"; results="${results}"; cursor="${cursor}"`;
}
