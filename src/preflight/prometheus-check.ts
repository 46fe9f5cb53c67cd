import { indexByLabel, type SeriesIndex } from '../adapters/prometheus/board-count-verdict.js';
import { instanceLabelOf } from '../adapters/prometheus/instance-label.js';
import { fillInstances, regexAlternation } from '../adapters/prometheus/instances-placeholder.js';
import { createInstantQuery, type InstantQuery } from '../adapters/prometheus/instant-query.js';
import type { Sample } from '../adapters/prometheus/query-response.js';
import type { ServiceConfig } from '../config/catalog.js';
import { DependencyError, type Instance } from '../deploy/ports.js';
import { findingOf, type SeriesFinding } from './prometheus-series.js';
import { failed, ok, warning, type CheckLine } from './report.js';
import { counted, listed } from './wording.js';

export interface PrometheusCheckOptions {
  /** PROMETHEUS_URL; undefined when it is not set. */
  baseUrl: string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

type FleetInstance = Pick<Instance, 'instanceId' | 'privateIp'>;
type Settings = ServiceConfig['prometheus'];
interface Server {
  instanceId: string;
  value: string;
}

const AREA = 'Prometheus';

/**
 * Runs the service's board count and `up` queries for the fleet, as the drain will, and says
 * whether each server has exactly one count series and `up == 1`: anything less is a count the
 * release cannot read, and a release pauses on it.
 */
export async function checkPrometheus(service: ServiceConfig, instances: FleetInstance[], options: PrometheusCheckOptions): Promise<CheckLine[]> {
  if (!options.baseUrl || !URL.canParse(options.baseUrl)) {
    const problem = options.baseUrl ? `PROMETHEUS_URL (${options.baseUrl}) is not a URL` : 'PROMETHEUS_URL is not set';
    return [failed(AREA, `${problem}, so the bot cannot read board counts: a release could neither pass its gate nor drain`, 'set PROMETHEUS_URL to the Prometheus HTTP API base, e.g. http://prometheus:9090')];
  }
  if (instances.length === 0) return [warning(AREA, 'no fleet instance is serving, so there is no board count to look up', 'run the check again once the fleet serves')];
  const settings = service.prometheus;
  const { servers, lines } = labelValues(instances, settings);
  if (servers.length === 0) return lines;

  const query = createInstantQuery({ baseUrl: options.baseUrl, fetch: options.fetch, timeoutMs: options.timeoutMs });
  const regex = regexAlternation(servers.map((s) => s.value));
  const [up, counts] = await Promise.all([
    run(query, settings.upQuery, regex, 'prometheus.upQuery', 'up query'),
    run(query, settings.query, regex, 'prometheus.query', 'board count query'),
  ]);
  if ('error' in up || 'error' in counts) return [...lines, ...queryFailures([up, counts], options.baseUrl)];

  const upIndex = indexByLabel(up.samples, settings.instanceLabel);
  const countIndex = indexByLabel(counts.samples, settings.instanceLabel);
  const findings = servers.map((server) => ({ server, finding: findingOf(server.value, upIndex, countIndex) }));
  return [...lines, ...findingLines(findings, settings, upIndex, countIndex)];
}

/** Each instance's label value; instances the template cannot name, or that share a value, are reported instead. */
function labelValues(instances: FleetInstance[], settings: Settings): { servers: Server[]; lines: CheckLine[] } {
  const holders = new Map<string, string[]>();
  const badTemplate: string[] = [];
  const noAddress: string[] = [];
  for (const instance of instances) {
    const label = instanceLabelOf(settings.instanceValue, instance);
    if (label.ok) holders.set(label.value, [...(holders.get(label.value) ?? []), instance.instanceId]);
    else if (!instance.privateIp && settings.instanceValue.includes('{privateIp}')) noAddress.push(instance.instanceId);
    else badTemplate.push(label.problem);
  }
  const lines: CheckLine[] = [];
  if (badTemplate.length > 0) {
    lines.push(failed(AREA, badTemplate[0], `write prometheus.instanceValue (now "${settings.instanceValue}") with {privateIp} and {instanceId} only, e.g. "{privateIp}:9100"`));
  }
  if (noAddress.length > 0) {
    lines.push(
      failed(
        AREA,
        `${listed(noAddress)} ${noAddress.length === 1 ? 'has' : 'have'} no private IP, which prometheus.instanceValue ("${settings.instanceValue}") needs, so their board counts cannot be read`,
        'run the check again once these servers are running; if their exporters are labelled by instance ID, use {instanceId} in prometheus.instanceValue',
      ),
    );
  }
  const shared = [...holders].filter(([, ids]) => ids.length > 1);
  for (const [value, ids] of shared) {
    lines.push(
      failed(
        AREA,
        `${listed(ids)} all appear as ${settings.instanceLabel}=${JSON.stringify(value)}, so the bot cannot tell their board counts apart`,
        `set prometheus.instanceValue (now "${settings.instanceValue}") to a value that differs per server, e.g. "{privateIp}:9100"`,
      ),
    );
  }
  const servers = [...holders].filter(([, ids]) => ids.length === 1).map(([value, [instanceId]]) => ({ instanceId, value }));
  return { servers, lines };
}

type QueryResult = { samples: Sample[] } | { error: unknown; key: string; template: string };

async function run(query: InstantQuery, template: string, regex: string, key: string, purpose: string): Promise<QueryResult> {
  try {
    return { samples: await query(fillInstances(template, regex, key), purpose) };
  } catch (error) {
    return { error, key, template };
  }
}

/** A failure of Prometheus itself is said once; a bad query is said per catalog key. */
function queryFailures(results: QueryResult[], baseUrl: string): CheckLine[] {
  const lines: CheckLine[] = [];
  let addressSaid = false;
  for (const result of results) {
    if (!('error' in result)) continue;
    const { error, key, template } = result;
    const detail = error instanceof Error ? error.message : String(error);
    if (!(error instanceof DependencyError)) {
      lines.push(failed(AREA, detail, `write {instances} inside a quoted label matcher in ${key}, e.g. instance=~"{instances}"`));
      continue;
    }
    if (error.code === 'BadQuery') {
      lines.push(failed(AREA, detail, `correct the PromQL in ${key} (now \`${template}\`); it must give an instant vector with one series per server`));
      continue;
    }
    if (addressSaid) continue;
    addressSaid = true;
    const fix =
      error.code === 'ServerError'
        ? 'Prometheus failed to answer: run the check again, and see Prometheus\'s log if it keeps failing'
        : error.code === 'NotPrometheus'
          ? `set PROMETHEUS_URL (now ${baseUrl}) to Prometheus's base address, the one under which /api/v1/query answers`
          : `check PROMETHEUS_URL (now ${baseUrl}) and that the bot can reach Prometheus there`;
    lines.push(failed(AREA, detail, fix));
  }
  return lines;
}

function findingLines(findings: { server: Server; finding: SeriesFinding }[], settings: Settings, up: SeriesIndex, counts: SeriesIndex): CheckLine[] {
  const label = settings.instanceLabel;
  const named = (kind: SeriesFinding['kind']) => findings.filter((f) => f.finding.kind === kind).map(({ server }) => `${server.instanceId} (${label}=${JSON.stringify(server.value)})`);
  const of = (kind: SeriesFinding['kind']) => `${named(kind).length} of ${counted(findings.length, 'server')}`;
  const lines: CheckLine[] = [];

  if (named('notScraped').length > 0) {
    const hint = up.unlabelled > 0 ? `; the up query returned ${counted(up.unlabelled, 'series', 'series')} without a "${label}" label, so check prometheus.instanceLabel` : '';
    lines.push(
      failed(
        AREA,
        `Prometheus has neither \`up\` nor a board count for ${of('notScraped')}: ${listed(named('notScraped'))}`,
        `make Prometheus scrape these servers' exporters, and set prometheus.instanceValue (now "${settings.instanceValue}") so that it gives the "${label}" label exactly as Prometheus shows it (Status → Targets)${hint}`,
      ),
    );
  }
  if (named('noUp').length > 0) {
    lines.push(
      failed(
        AREA,
        `prometheus.upQuery returned no \`up\` series for ${of('noUp')}, though their board counts are there: ${listed(named('noUp'))}`,
        `correct prometheus.upQuery (now \`${settings.upQuery}\`): it must return \`up\` of each server with the "${label}" label`,
      ),
    );
  }
  if (named('down').length > 0) {
    const values = [...new Set(findings.flatMap(({ finding }) => (finding.kind === 'down' ? [finding.up] : [])))].join(', ');
    lines.push(
      failed(
        AREA,
        `the scrape of ${of('down')} fails (up = ${values}): ${listed(named('down'))}; a release would pause on them`,
        'check that the exporter runs on these servers and that Prometheus can reach it (Prometheus\'s Status → Targets page shows the scrape error)',
      ),
    );
  }
  if (named('noCount').length > 0) {
    const aggregatedAway = counts.unlabelled > 0;
    lines.push(
      failed(
        AREA,
        `the board count query returned no series for ${of('noCount')}: ${listed(named('noCount'))}${aggregatedAway ? `; it returned ${counted(counts.unlabelled, 'series', 'series')} without the "${label}" label` : ''}`,
        aggregatedAway
          ? `prometheus.query (now \`${settings.query}\`) aggregates the "${label}" label away: keep it, e.g. sum by (${label}) (…)`
          : `correct prometheus.query (now \`${settings.query}\`): it must return one series per server carrying the "${label}" label that prometheus.instanceValue ("${settings.instanceValue}") gives; check the metric name`,
      ),
    );
  }
  if (named('badCount').length > 0) {
    const values = [...new Set(findings.flatMap(({ finding }) => (finding.kind === 'badCount' ? [finding.text] : [])))].join(', ');
    lines.push(failed(AREA, `the board count of ${of('badCount')} is ${values}, not a count: ${listed(named('badCount'))}`, `correct prometheus.query (now \`${settings.query}\`): it must give the number of open boards per server`));
  }
  if (named('severalCounts').length > 0) {
    const most = Math.max(...findings.map(({ finding }) => (finding.kind === 'severalCounts' ? finding.series : 0)));
    lines.push(
      warning(
        AREA,
        `the board count query returned up to ${most} series each for ${of('severalCounts')}: ${listed(named('severalCounts'))}; a release adds them up, so a series that goes stale would make a server look emptier than it is`,
        `aggregate by the instance label in prometheus.query (now \`${settings.query}\`), e.g. sum by (${label}) (…)`,
      ),
    );
  }
  if (findings.every(({ finding }) => finding.kind === 'fine')) {
    const boards = findings.reduce((sum, { finding }) => sum + (finding.kind === 'fine' ? finding.boards : 0), 0);
    lines.push(ok(AREA, `${counted(findings.length, 'server')}, one series each, up = 1; ${counted(boards, 'board')} open`));
  }
  return lines;
}
