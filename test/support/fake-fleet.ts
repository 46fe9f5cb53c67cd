import { DependencyError, MANAGED_BY_VALUE, TAG, takeOverTags, type Fleet, type Image, type Instance, type TargetHealth, type TargetState } from '../../src/deploy/ports.js';

/** An in-memory Fleet for domain tests: every call is counted, every state can be set. */
export function createFakeFleet(images: Image[] = []) {
  const instances = new Map<string, Instance>();
  const health = new Map<string, TargetState>();
  const registered = new Set<string>();
  const launches = new Map<string, string[]>();
  const calls: { method: string; args: unknown[] }[] = [];
  let next = 1;
  let launchFailure: DependencyError | null = null;
  let deregistrationDelayMs = 300_000;

  const fleet: Fleet = {
    async listImages(_service, limit) {
      return [...images].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
    },
    async findImage(_service, version) {
      return images.find((i) => i.version === version) ?? null;
    },
    async launch(request) {
      calls.push({ method: 'launch', args: [request.deployId, request.step, request.count] });
      const token = `${request.deployId}:${request.step}`;
      const existing = launches.get(token);
      if (existing) return existing.map((id) => instances.get(id) as Instance);
      if (launchFailure) throw launchFailure;
      const ids: string[] = [];
      for (let n = 0; n < request.count; n++) {
        const id = `i-${String(next++).padStart(4, '0')}`;
        instances.set(id, {
          instanceId: id,
          imageId: request.image.imageId,
          state: 'pending',
          privateIp: `10.0.0.${next}`,
          tags: {
            [TAG.managedBy]: MANAGED_BY_VALUE,
            [TAG.service]: request.service.name,
            [TAG.version]: request.image.version,
            [TAG.role]: request.role,
            [TAG.deployId]: request.deployId,
          },
        });
        ids.push(id);
      }
      launches.set(token, ids);
      return ids.map((id) => instances.get(id) as Instance);
    },
    async describe(_service, ids) {
      return ids.map((id) => instances.get(id)).filter((i): i is Instance => Boolean(i));
    },
    async launchedBy(_service, deployId) {
      return [...instances.values()].filter((i) => i.tags[TAG.deployId] === deployId);
    },
    async serving() {
      return [...instances.values()].filter((i) => i.state === 'pending' || i.state === 'running');
    },
    async missingTargetGroups() {
      return [];
    },
    async register(_service, ids) {
      calls.push({ method: 'register', args: [ids] });
      for (const id of ids) {
        registered.add(id);
        if (!health.has(id)) health.set(id, 'initial');
      }
    },
    async deregister(_service, ids) {
      calls.push({ method: 'deregister', args: [ids] });
      for (const id of ids) {
        registered.delete(id);
        health.set(id, 'unused');
      }
    },
    async health(service, ids): Promise<TargetHealth[]> {
      return service.targetGroups.flatMap((arn) =>
        ids.map((id) => ({ targetGroupArn: arn, instanceId: id, state: health.get(id) ?? 'unused', reason: health.get(id) === 'unhealthy' ? 'Target.FailedHealthChecks' : undefined })),
      );
    },
    async terminate(_service, ids) {
      calls.push({ method: 'terminate', args: [ids] });
      for (const id of ids) {
        const i = instances.get(id);
        if (!i || i.tags[TAG.managedBy] !== MANAGED_BY_VALUE) throw new DependencyError('aws', `${id} is not managed by the bot`, undefined, 'NotManagedByBot');
        i.state = 'terminated';
      }
    },
    async deregistrationDelays(service) {
      calls.push({ method: 'deregistrationDelays', args: [] });
      return Object.fromEntries(service.targetGroups.map((arn) => [arn, deregistrationDelayMs]));
    },
    async adopt(service, ids, deployId) {
      calls.push({ method: 'adopt', args: [ids, deployId] });
      const found = ids.map((id) => instances.get(id)).filter((i): i is Instance => Boolean(i));
      const foreign = found.filter((i) => i.tags[TAG.managedBy] !== MANAGED_BY_VALUE || i.tags[TAG.service] !== service.name).map((i) => i.instanceId);
      if (foreign.length > 0) throw new DependencyError('aws', `${foreign.join(', ')} not managed by the bot for ${service.name}`, undefined, 'NotManagedByBot');
      const gone = ids.filter((id) => !found.some((i) => i.instanceId === id && (i.state === 'pending' || i.state === 'running')));
      if (gone.length > 0) throw new DependencyError('aws', `${gone.join(', ')} not pending or running`, undefined, 'IncorrectInstanceState');
      for (const id of ids) Object.assign(instances.get(id)!.tags, service.fleet.tags, { [TAG.role]: 'fleet', [TAG.deployId]: deployId });
    },
    async takeOver(service, ids) {
      calls.push({ method: 'takeOver', args: [ids] });
      for (const id of ids) Object.assign(instances.get(id)!.tags, takeOverTags(service.name));
    },
  };

  return {
    fleet,
    calls,
    instances,
    run(id?: string) {
      for (const i of instances.values()) if ((!id || i.instanceId === id) && i.state === 'pending') i.state = 'running';
    },
    setHealth(id: string, state: TargetState) {
      health.set(id, state);
    },
    healthAll(state: TargetState) {
      for (const id of registered) health.set(id, state);
    },
    failLaunchWith(error: DependencyError | null) {
      launchFailure = error;
    },
    /** A server already serving before the test: running, registered and healthy. */
    seedServing(version: string, role: 'fleet' | 'canary', tags: Record<string, string> = {}): Instance {
      const id = `i-${String(next++).padStart(4, '0')}`;
      const instance: Instance = {
        instanceId: id,
        imageId: images.find((i) => i.version === version)?.imageId ?? 'ami-old',
        state: 'running',
        privateIp: `10.0.1.${next}`,
        tags: { [TAG.managedBy]: MANAGED_BY_VALUE, [TAG.service]: 'board', [TAG.version]: version, [TAG.role]: role, [TAG.deployId]: 'seed', ...tags },
      };
      instances.set(id, instance);
      registered.add(id);
      health.set(id, 'healthy');
      return instance;
    },
    setDeregistrationDelay(ms: number) {
      deregistrationDelayMs = ms;
    },
    count(method: string) {
      return calls.filter((c) => c.method === method).length;
    },
  };
}
