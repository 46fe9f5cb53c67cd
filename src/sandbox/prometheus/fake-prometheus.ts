import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BadQueryError, evaluate, parseSubsetQuery } from './promql-subset.js';
import { createQueryFaults, type ErrorAnswer, type GarbageAnswer } from './query-faults.js';
import { startScrapeLoop } from './scrape-loop.js';
import type { TargetGroup } from './targets.js';

export interface FakePrometheusOptions {
  /** Targets given in code; `setTargets` replaces them. */
  targets?: TargetGroup[];
  /** A Prometheus file_sd JSON file, re-read before every scrape, so a real Prometheus can share it. */
  targetsFile?: string;
  /** The `job` label of every target that does not set its own. */
  jobName?: string;
  scrapeIntervalMs?: number;
  scrapeTimeoutMs?: number;
  port?: number;
  now?: () => number;
  /** Told about targets file problems. */
  warn?: (message: string) => void;
}

export interface FakePrometheus {
  url: string;
  /** For the caller's log: this is not Prometheus. */
  notice: string;
  setTargets(groups: TargetGroup[]): void;
  /** One scrape of every target now (after the round under way, if any). */
  scrapeNow(): Promise<void>;
  /** Every query received, oldest first, as the PromQL text. */
  queries: { method: string; query: string }[];
  failNext(times: number, answer?: Partial<ErrorAnswer>): void;
  garbageNext(times: number, answer?: Partial<GarbageAnswer>): void;
  hangNext(times: number): void;
  close(): Promise<void>;
}

export const STAND_IN_HEADER = 'x-prometheus-stand-in';

/**
 * A stand-in for Prometheus when the binary is not installed: it really scrapes its targets'
 * text exposition, keeps the latest scrape of each target (so a failed scrape makes its series
 * vanish, as staleness markers do), records `up`, and answers instant queries of the shapes the
 * bot generates through the real HTTP API format. Everything else gets Prometheus's 400 bad_data.
 * Every answer carries `X-Prometheus-Stand-In: true`.
 */
export async function startFakePrometheus(options: FakePrometheusOptions = {}): Promise<FakePrometheus> {
  const now = options.now ?? Date.now;
  const jobName = options.jobName ?? 'board';
  const intervalMs = options.scrapeIntervalMs ?? 1_000;
  const timeoutMs = options.scrapeTimeoutMs ?? Math.min(intervalMs, 10_000);
  const faults = createQueryFaults();
  const queries: FakePrometheus['queries'] = [];
  const loop = startScrapeLoop({
    jobName,
    intervalMs,
    timeoutMs,
    targets: options.targets ?? [],
    targetsFile: options.targetsFile,
    now,
    warn: options.warn ?? (() => {}),
  });

  const instantQuery = (response: ServerResponse, method: string, params: URLSearchParams): void => {
    const query = params.get('query') ?? '';
    queries.push({ method, query });
    if (faults.apply(response)) return;
    if (query.trim() === '') return sendError(response, { status: 400, errorType: 'bad_data', error: 'invalid parameter "query": 1:1: parse error: no expression found in input' });
    try {
      const time = now() / 1000;
      const result = evaluate(parseSubsetQuery(query), loop.series()).map((s) => ({ metric: s.metric, value: [time, formatValue(s.value)] }));
      sendJson(response, 200, { status: 'success', data: { resultType: 'vector', result } });
    } catch (error) {
      if (!(error instanceof BadQueryError)) throw error;
      sendError(response, { status: 400, errorType: 'bad_data', error: `invalid parameter "query": ${error.message}` });
    }
  };

  const targets = (response: ServerResponse): void => {
    const activeTargets = loop.statuses().map(({ target, health, lastError, lastScrape, lastScrapeDurationMs }) => ({
      discoveredLabels: target.discoveredLabels,
      labels: target.labels,
      scrapePool: jobName,
      scrapeUrl: target.scrapeUrl,
      globalUrl: target.scrapeUrl,
      lastError,
      lastScrape: new Date(lastScrape).toISOString(),
      lastScrapeDuration: lastScrapeDurationMs / 1000,
      health,
      scrapeInterval: `${intervalMs / 1000}s`,
      scrapeTimeout: `${timeoutMs / 1000}s`,
    }));
    sendJson(response, 200, { status: 'success', data: { activeTargets, droppedTargets: [] } });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.setHeader(STAND_IN_HEADER, 'true');
    const url = new URL(request.url ?? '/', 'http://prometheus.invalid');
    const method = request.method ?? 'GET';
    if (url.pathname === '/-/ready' || url.pathname === '/-/healthy') {
      return sendText(response, 200, `Prometheus Server is ${url.pathname === '/-/ready' ? 'Ready' : 'Healthy'}.\n`);
    }
    if (url.pathname === '/api/v1/query') {
      if (method !== 'GET' && method !== 'POST') return sendText(response, 405, 'Method Not Allowed\n');
      return instantQuery(response, method, await formParams(request, url));
    }
    if (url.pathname === '/api/v1/targets' && method === 'GET') return targets(response);
    sendText(response, 404, '404 page not found\n');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, { status: 500, errorType: 'internal', error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    notice: `Prometheus stand-in at ${url}, not the real Prometheus: it scrapes its targets but evaluates only the queries the bot generates (install the Debian package prometheus for the real one)`,
    setTargets: loop.setTargets,
    scrapeNow: loop.scrapeNow,
    queries,
    failNext: faults.failNext,
    garbageNext: faults.garbageNext,
    hangNext: faults.hangNext,
    async close() {
      await loop.stop();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** Prometheus reads parameters from the URL and, for form posts, the body (which wins). */
async function formParams(request: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.search);
  if (request.method !== 'POST' || !(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return params;
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params.set(name, value);
  return params;
}

/** Prometheus prints floats with Go's shortest formatting and spells infinities +Inf and -Inf. */
function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function sendError(response: ServerResponse, { status, errorType, error }: ErrorAnswer): void {
  sendJson(response, status, { status: 'error', errorType, error });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function sendText(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(body);
}
