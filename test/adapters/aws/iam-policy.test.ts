import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmePolicy } from '../../../src/sandbox/aws/readme-policy.js';
import { exampleService } from '../../support/catalog.js';

/** The IAM action prefix of each SDK client package the adapter may import commands from. */
const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
};

const MANAGED_BY = 'release-bot:managed-by';
/**
 * The condition keys that can hold each mutating action to the bot's own tag: a launch can only
 * require the tag in the request, an existing resource can only be checked for it, and tags may be
 * written without that check only as part of the launch.
 */
const TAG_GUARDS: Record<string, RegExp> = {
  'ec2:RunInstances': /^aws:RequestTag\//,
  'ec2:CreateTags': /^(aws|ec2):ResourceTag\/|^ec2:CreateAction$/,
  'ec2:TerminateInstances': /^(aws|ec2):ResourceTag\//,
  'elasticloadbalancing:RegisterTargets': /^(aws|elasticloadbalancing):ResourceTag\//,
  'elasticloadbalancing:DeregisterTargets': /^(aws|elasticloadbalancing):ResourceTag\//,
};
/** RunInstances also needs the resources an instance is launched from; the instance itself is what must be tag-guarded. */
const LAUNCH_INPUT = /^arn:aws[a-z-]*:ec2:[^:]*:[^:]*:(image|launch-template|subnet|network-interface|security-group|key-pair)\//;

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

/** `ec2:RunInstances`, … for every `new XxxCommand(` and `paginateXxx(` in a file, by the package it imports the name from. */
function actionsCalledIn(file: string, source: string): string[] {
  const packageOf = new Map<string, string>();
  for (const [, names, from] of source.matchAll(/import\s*(?:type\s+)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    for (const name of names.split(',')) packageOf.set(name.trim().replace(/^type\s+/, ''), from);
  }
  return [...source.matchAll(/\bnew (\w+)Command\(|\bpaginate(\w+)\(/g)].map(([, command, paginated]) => {
    const imported = command !== undefined ? `${command}Command` : `paginate${paginated}`;
    const prefix = SERVICE_PREFIX[packageOf.get(imported) ?? ''];
    if (!prefix) throw new Error(`${file}: cannot tell which AWS service ${imported} belongs to (imported from ${packageOf.get(imported) ?? 'nowhere'})`);
    return `${prefix}:${command ?? paginated}`;
  });
}

function actionsCalledByAdapter(): string[] {
  const dir = new URL('../../../src/adapters/aws/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  return [...new Set(files.flatMap((f) => actionsCalledIn(f, readFileSync(new URL(f, dir), 'utf8'))))].sort();
}


function grants(statement: Statement, action: string): boolean {
  return statement.Effect === 'Allow' && list(statement.Action).some((pattern) => wildcard(pattern).test(action));
}

/** IAM action names match case-insensitively, with `*` and `?` wildcards. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}

/** An exact-match condition that the bot's tag is present, or that tags are written by RunInstances itself. */
function tagGuarded(statement: Statement, action: string): boolean {
  const keys = TAG_GUARDS[action];
  const exact = statement.Condition?.StringEquals ?? {};
  return (
    takesOverFleet(statement, action) ||
    Object.entries(exact).some(([key, value]) => keys.test(key) && (key === 'ec2:CreateAction' ? value === 'RunInstances' : key.endsWith(`/${MANAGED_BY}`) && value === 'release-bot'))
  );
}

/**
 * The one way onto an instance the bot did not launch: CreateTags on a server carrying every fleet
 * tag of the catalog's service, writing only the bot's management tags, with the managed-by value.
 */
function takesOverFleet(statement: Statement, action: string): boolean {
  if (action !== 'ec2:CreateTags') return false;
  const exact = statement.Condition?.StringEquals ?? {};
  const service = exampleService();
  const onFleet = Object.entries(service.fleet.tags).every(([key, value]) => exact[`aws:ResourceTag/${key}`] === value);
  const writes = statement.Condition?.['ForAllValues:StringEquals']?.['aws:TagKeys'];
  const onlyManagement = Array.isArray(writes) && writes.length > 0 && writes.every((key) => typeof key === 'string' && key.startsWith('release-bot:') && key !== 'release-bot:deploy-id');
  return onFleet && onlyManagement && exact[`aws:RequestTag/${MANAGED_BY}`] === 'release-bot' && exact['aws:RequestTag/release-bot:service'] === service.name;
}

const isMutating = (action: string) => !/:(Describe|List|Get)/.test(action);
const name = (statement: Statement) => statement.Sid ?? JSON.stringify(statement.Action);

const called = actionsCalledByAdapter();
const statements = readmePolicy().Statement as Statement[];

describe('the README’s IAM policy', () => {
  it('finds the adapter’s AWS calls by scanning its source', () => {
    expect(called).toEqual(
      expect.arrayContaining([
        'ec2:CreateTags',
        'ec2:DescribeImages',
        'ec2:DescribeInstances',
        'ec2:RunInstances',
        'ec2:TerminateInstances',
        'elasticloadbalancing:DeregisterTargets',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:RegisterTargets',
      ]),
    );
  });

  it('allows every AWS action the adapter can call', () => {
    expect(called.filter((action) => !statements.some((s) => grants(s, action)))).toEqual([]);
  });

  it('allows no EC2 or ELBv2 action the adapter never calls', () => {
    const patterns = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
    const unused = patterns.filter((p) => /^(ec2|elasticloadbalancing):/.test(p) && !called.some((action) => wildcard(p).test(action)));
    expect(unused).toEqual([]);
  });

  it('knows how to tag-guard every mutating action the adapter calls', () => {
    const mutating = called.filter(isMutating);
    expect(mutating.length).toBeGreaterThanOrEqual(5);
    expect(mutating.filter((action) => !TAG_GUARDS[action])).toEqual([]);
  });

  it('holds every mutating action to the bot’s tag in every statement that grants it', () => {
    const unguarded = called.filter(isMutating).flatMap((action) =>
      statements
        .filter((s) => grants(s, action) && !tagGuarded(s, action))
        .filter((s) => !(action === 'ec2:RunInstances' && list(s.Resource).every((arn) => LAUNCH_INPUT.test(arn))))
        .map((s) => `${action} in ${name(s)}`),
    );
    expect(unguarded).toEqual([]);
  });

  it('grants every mutating action somewhere with the tag guard', () => {
    expect(called.filter(isMutating).filter((action) => !statements.some((s) => grants(s, action) && tagGuarded(s, action)))).toEqual([]);
  });

  it('lets CreateTags reach existing instances only when the bot launched them, or to take over servers of the service\'s fleet', () => {
    const retagging = statements.filter((s) => grants(s, 'ec2:CreateTags') && !JSON.stringify(s.Condition ?? {}).includes('ec2:CreateAction'));
    const ownInstances = retagging.filter((s) => s.Condition?.StringEquals?.['aws:ResourceTag/release-bot:managed-by'] === 'release-bot');
    const takeOvers = retagging.filter((s) => takesOverFleet(s, 'ec2:CreateTags'));
    expect(ownInstances).toHaveLength(1);
    expect(takeOvers.map(name)).toEqual(['AdoptTheServiceFleet']);
    expect(retagging).toHaveLength(2);
  });
});
