import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { endToEndHeaders, forwardedHeaders } from './forwarded-headers.js';
import type { ProxiedConnection } from './open-connections.js';
import type { Target } from './target-picker.js';

/**
 * Forwards one HTTP request to the target over a connection of its own (no pooling, so cutting
 * the connections of a removed target never touches another request). A target that cannot be
 * reached gets the client a 502, as ALB answers.
 */
export function forwardHttp(req: IncomingMessage, res: ServerResponse, target: Target, onBadGateway: () => void): ProxiedConnection {
  const upstream = request({
    host: target.host,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: { ...endToEndHeaders(req.headers), ...forwardedHeaders(req) },
    agent: false,
  });
  let clientGone = false;
  const closed = new Promise<void>((resolve) => {
    res.once('close', () => {
      clientGone = true;
      upstream.destroy();
      resolve();
    });
  });
  upstream.once('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndHeaders(answer.headers));
    answer.pipe(res);
    // A target that dies mid-response must not leave the client waiting for the rest.
    answer.once('close', () => {
      if (!answer.complete) res.destroy();
    });
  });
  upstream.once('error', () => {
    if (clientGone) return;
    if (res.headersSent) return void res.destroy();
    onBadGateway();
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end('502 Bad Gateway\n');
  });
  req.pipe(upstream);
  return {
    closed,
    close: () => {
      upstream.destroy();
      res.destroy();
    },
  };
}
