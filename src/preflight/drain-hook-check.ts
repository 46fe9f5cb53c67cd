import { probeHook, type ProbeAnswer } from '../adapters/drain-hook/hook-probe.js';
import { hookRequest, type HookRequest } from '../adapters/drain-hook/hook-request.js';
import type { ServiceConfig } from '../config/catalog.js';
import { DependencyError, type Instance } from '../deploy/ports.js';
import { failed, ok, warning, type CheckLine } from './report.js';

export interface DrainHookCheckOptions {
  /** Where drain.hook.authHeader.env is read, as the drain reads it. */
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

type FleetInstance = Pick<Instance, 'instanceId' | 'privateIp'>;
type Hook = NonNullable<ServiceConfig['drain']>['hook'];

const AREA = 'Drain hook';
const CONTRACT = 'README, "The drain hook an application implements"';
/** The application has no probe: the drain itself may still work, untested. */
const NO_PROBE = new Set([404, 405, 501]);

/**
 * Probes the drain hook of one fleet server with `OPTIONS` (same URL, same auth header as a
 * drain), which the contract says drains nobody, then once more without the auth header to see
 * that the application refuses it.
 */
export async function checkDrainHook(service: ServiceConfig, instances: FleetInstance[], options: DrainHookCheckOptions): Promise<CheckLine[]> {
  const hook = service.drain?.hook;
  if (!hook) {
    return [
      failed(
        AREA,
        `${service.name} has no drain settings, and a release moves users off each old server through the application's drain hook`,
        `add drain.hook.url (e.g. http://{privateIp}:8080/drain) and drain.capacity to ${service.name} in the service catalog; the application must implement the hook (${CONTRACT})`,
      ),
    ];
  }
  const auth = hook.authHeader;
  if (auth && !options.env[auth.env]) {
    return [failed(AREA, `${auth.env} is not set, so the drain hook would go out without its ${auth.name} header`, `set ${auth.env} in the bot's environment to the token the application expects (drain.hook.authHeader.env names the variable)`)];
  }
  if (instances.length === 0) return [warning(AREA, 'no fleet instance is serving, so there is no hook to probe', 'run the check again once the fleet serves')];

  const target = instances.find((i) => i.privateIp) ?? instances[0];
  let request: HookRequest;
  try {
    request = hookRequest(service, target, options.env);
  } catch (error) {
    const fix =
      error instanceof DependencyError && error.code === 'NoAddress'
        ? 'run the check again once the fleet servers have their private IPs'
        : `correct drain.hook.url (now ${hook.url}): an http(s) URL with {privateIp} and optionally {instanceId}`;
    return [failed(AREA, error instanceof Error ? error.message : String(error), fix)];
  }
  const where = `OPTIONS ${request.url} (${target.instanceId})`;
  const answer = await probeHook(request, true, options.fetch);
  if (answer.kind !== 'answered' || answer.status < 200 || answer.status >= 300) return [refusal(answer, where, hook, request)];

  const lines: CheckLine[] = [];
  let unauthenticated = '';
  if (auth) {
    const bare = await probeHook(request, false, options.fetch);
    if (bare.kind === 'answered' && bare.status >= 200 && bare.status < 300) {
      lines.push(
        warning(
          AREA,
          `${where} answered ${bare.status} without the ${auth.name} header too: the hook accepts requests without the token`,
          `make the application refuse the hook (drain and probe) without a valid ${auth.name} header, with 401 or 403: anyone who can reach ${new URL(request.url).host} could drain it`,
        ),
      );
    } else if (bare.kind === 'answered') {
      unauthenticated = `, ${bare.status} without it`;
    }
  }
  const allowed = answer.allow?.split(',').map((m) => m.trim().toUpperCase());
  if (allowed && !allowed.includes(hook.method)) {
    lines.push(
      warning(
        AREA,
        `${where} answered ${answer.status}, but its Allow header (${answer.allow}) does not list ${hook.method}, the method drain.hook.method sends`,
        `set drain.hook.method to a method the application allows, or make the application accept ${hook.method} at that URL`,
      ),
    );
  }
  const token = auth ? ` with the ${auth.name} header` : '';
  lines.unshift(ok(AREA, `${where} answered ${answer.status}${token}${unauthenticated}${answer.allow ? `; Allow: ${answer.allow}` : ''}`));
  return lines;
}

function refusal(answer: ProbeAnswer, where: string, hook: Hook, request: HookRequest): CheckLine {
  const host = new URL(request.url).host;
  const listening = `is the application listening at ${host}, and can the bot reach it (security groups, network ACLs)? Check drain.hook.url (now ${hook.url})`;
  if (answer.kind === 'timeout') return failed(AREA, `${where} did not answer within ${answer.after}`, `${listening} and drain.hook.timeout`);
  if (answer.kind === 'unreachable') {
    const cause = answer.cause === 'ECONNREFUSED' ? 'connection refused' : answer.cause;
    return failed(AREA, `${where} could not be reached: ${cause}`, listening);
  }
  const said = answer.excerpt ? `: ${answer.excerpt}` : '';
  const { status } = answer;
  if (status === 401 || status === 403) {
    const auth = hook.authHeader;
    return failed(
      AREA,
      `${where} answered ${status}${said}: the application refused the request, and would refuse the drain too`,
      auth
        ? `check ${auth.env} (drain.hook.authHeader.env): it must hold the token the application expects, sent in ${auth.name}${auth.prefix ? ` after "${auth.prefix}"` : ''}`
        : 'the application wants a token: set drain.hook.authHeader {name, env, prefix} and put the token in that environment variable',
    );
  }
  if (NO_PROBE.has(status)) {
    const path = status === 404 ? ' (or the path is wrong)' : '';
    return warning(
      AREA,
      `${where} answered ${status}${said}: the application does not implement the probe${path}, so the drain itself is untested until a release sends it`,
      `make the application answer OPTIONS at the hook URL with 2xx after checking the token, draining nobody (${CONTRACT})${status === 404 ? `; if it does, correct the path in drain.hook.url (now ${hook.url})` : ''}`,
    );
  }
  if (status >= 300 && status < 400) {
    return failed(AREA, `${where} answered ${status} to ${answer.location ?? 'nowhere'}; the bot does not follow redirects, so the drain would fail`, `set drain.hook.url (now ${hook.url}) to the address the application answers at itself`);
  }
  return failed(AREA, `${where} answered ${status}${said}; a drain would most likely fail the same way`, `see the application's log for what fails at ${new URL(request.url).pathname}, and check drain.hook.url (now ${hook.url})`);
}
