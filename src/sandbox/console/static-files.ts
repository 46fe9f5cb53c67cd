import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname } from 'node:path';

/** The page is plain files run by the browser as they are: no bundler, nothing generated. */
const PAGE_DIR = new URL('./page/', import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Only flat, plainly named files: a path can never leave the page folder. */
const ASSET = /^\/assets\/([a-z][a-z0-9-]*\.(?:js|css))$/;

/** Serves `/` and `/assets/<file>`; false when the path is neither. */
export async function serveStatic(path: string, res: ServerResponse): Promise<boolean> {
  const file = path === '/' ? 'index.html' : ASSET.exec(path)?.[1];
  if (file === undefined) return false;
  let body: Buffer;
  try {
    body = await readFile(new URL(file, PAGE_DIR));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    return true;
  }
  // Always fresh: someone editing the page sees the change on reload.
  res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)], 'cache-control': 'no-cache' });
  res.end(body);
  return true;
}
