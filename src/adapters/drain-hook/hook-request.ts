import type { ServiceConfig } from '../../config/catalog.js';
import { DependencyError, type Instance } from '../../deploy/ports.js';

export interface HookRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  /** The auth header's value, so that no message can ever carry it. */
  secret: string | null;
  /** Names the variable in messages about a refused token. */
  secretEnv: string | null;
}

/**
 * The request the service's `drain.hook` describes for one instance. Configuration the bot lacks
 * (no hook, no address, the token's variable unset) is reported here, before anything is sent.
 */
export function hookRequest(service: ServiceConfig, instance: Pick<Instance, 'instanceId' | 'privateIp'>, env: Record<string, string | undefined>): HookRequest {
  const hook = service.drain?.hook;
  if (!hook) throw new DependencyError('drain', `service ${service.name} has no drain hook: set drain.hook in the service catalog`, undefined, 'NotConfigured');
  if (hook.url.includes('{privateIp}') && !instance.privateIp) {
    throw new DependencyError('drain', `cannot send the drain hook to ${instance.instanceId}: it has no private IP, and drain.hook.url needs {privateIp}`, undefined, 'NoAddress');
  }
  const url = hook.url.replaceAll('{privateIp}', instance.privateIp ?? '').replaceAll('{instanceId}', encodeURIComponent(instance.instanceId));
  if (!URL.canParse(url)) throw new DependencyError('drain', `drain hook URL for ${instance.instanceId} is not a valid URL: ${url}`, undefined, 'BadUrl');

  const headers: Record<string, string> = {};
  let secret: string | null = null;
  if (hook.authHeader) {
    const value = env[hook.authHeader.env];
    if (!value) {
      throw new DependencyError(
        'drain',
        `the drain hook of ${service.name} needs the environment variable ${hook.authHeader.env} for its ${hook.authHeader.name} header (drain.hook.authHeader.env), and it is not set`,
        undefined,
        'NotConfigured',
      );
    }
    secret = value;
    headers[hook.authHeader.name] = `${hook.authHeader.prefix}${value}`;
  }
  const sendsBody = hook.method === 'POST' || hook.method === 'PUT';
  if (sendsBody) headers['content-type'] = 'application/json';
  return {
    method: hook.method,
    url,
    headers,
    body: sendsBody ? JSON.stringify({ service: service.name, instanceId: instance.instanceId }) : undefined,
    timeoutMs: hook.timeout,
    secret,
    secretEnv: hook.authHeader?.env ?? null,
  };
}
