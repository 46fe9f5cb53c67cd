import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsFleet } from '../../src/adapters/aws/fleet.js';
import { createJiraTickets } from '../../src/adapters/jira/jira-tickets.js';
import { createSentryNewErrors } from '../../src/adapters/sentry/new-errors.js';
import { classifyFailure, type FailureKind } from '../../src/deploy/failure.js';
import { DependencyError } from '../../src/deploy/ports.js';
import { SANDBOX_JIRA_USER } from '../../src/sandbox/jira/auth.js';
import { startFakeJira, type FakeJira } from '../../src/sandbox/jira/fake-jira.js';
import { startFakeSentry, type FakeSentry } from '../../src/sandbox/sentry/fake-sentry.js';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/slack/server.js';
import { slackError } from '../../src/slack/slack-errors.js';
import { freePort } from '../../src/util/free-port.js';
import { emulatedAccount, type EmulatedAccount } from '../adapters/aws/emulated-account.js';
import { testCredentials } from '../sandbox/aws/sdk-clients.js';
import { exampleService } from '../support/catalog.js';

/**
 * The runner's error classification, fed with errors as the real adapters make them from what each
 * service sends on the wire: an error no retry fixes stops the deploy and asks; only the others back off.
 */

const kindOf = (error: unknown): { kind: FailureKind; code: string | null } => {
  const { kind, code } = classifyFailure(error);
  return { kind, code };
};

describe('AWS errors (the Query protocol emulator through the SDK)', () => {
  let account: EmulatedAccount;
  beforeAll(async () => {
    account = await emulatedAccount({ fleet: { version: '1.4.2', count: 1, launchedByBot: false }, maxAttempts: 1 });
  });
  afterAll(() => account.close());

  const image = async () => (await account.fleet.findImage(account.service, '1.5.0'))!;
  const failed = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('the call succeeded'), (e: unknown) => e);

  it.each([
    ['UnauthorizedOperation', 403, 'TerminateInstances', 'permanent'],
    ['InvalidParameterValue', 400, 'RunInstances', 'permanent'],
    ['InvalidLaunchTemplateName.NotFoundException', 400, 'RunInstances', 'permanent'],
    ['InvalidAMIID.Unavailable', 400, 'RunInstances', 'permanent'],
    ['InstanceLimitExceeded', 400, 'RunInstances', 'permanent'],
    ['IdempotentParameterMismatch', 400, 'RunInstances', 'permanent'],
    ['AuthFailure', 401, 'RunInstances', 'permanent'],
    ['InternalError', 500, 'RunInstances', 'transient'],
    ['Unavailable', 503, 'RunInstances', 'transient'],
    ['InvalidInstanceID.NotFound', 400, 'TerminateInstances', 'transient'],
  ] as const)('EC2 %s (HTTP %i on %s) is %s', async (code, status, action, kind) => {
    account.emulator.faults.add({ action, code, status });
    const call =
      action === 'RunInstances'
        ? account.fleet.launch(account.request(await image(), { deployId: `pr-${code.length}${status}` }))
        : account.fleet.launch(account.request(await image(), { deployId: 'pr-term' })).then((i) => account.fleet.terminate(account.service, i.map((x) => x.instanceId)));
    const error = await failed(call);
    expect(kindOf(error)).toEqual({ kind, code });
    expect(classifyFailure(error).operation).toBe(action);
  });

  it.each([
    ['AccessDenied', 403, 'RegisterTargets', 'permanent'],
    ['TargetGroupNotFound', 400, 'RegisterTargets', 'permanent'],
    ['InvalidTarget', 400, 'RegisterTargets', 'permanent'],
    ['Throttling', 400, 'DescribeTargetHealth', 'transient'],
    ['ServiceUnavailable', 503, 'DescribeTargetHealth', 'transient'],
  ] as const)('ELBv2 %s (HTTP %i on %s) is %s', async (code, status, action, kind) => {
    account.emulator.faults.add({ action, code, status });
    const [instance] = account.seeded.fleet;
    // One group, so that no second call of the same step is still on its way when the next fault is set.
    const oneGroup = { ...account.service, targetGroups: account.service.targetGroups.slice(0, 1) };
    const call = action === 'RegisterTargets' ? account.fleet.register(oneGroup, [instance.instanceId]) : account.fleet.health(oneGroup, [instance.instanceId]);
    expect(kindOf(await failed(call))).toEqual({ kind, code });
  });

  it('a target group the catalog names that does not exist is permanent', async () => {
    const missing = { ...account.service, targetGroups: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/board-gone/0123456789abcdef'] };
    expect(kindOf(await failed(account.fleet.register(missing, [account.seeded.fleet[0].instanceId])))).toEqual({ kind: 'permanent', code: 'TargetGroupNotFound' });
  });

  it('an AMI deregistered mid-flight is permanent', async () => {
    const ghost = { ...(await image()), imageId: 'ami-0deadbeef0000000' };
    expect(kindOf(await failed(account.fleet.launch(account.request(ghost, { deployId: 'pr-ghost' }))))).toEqual({ kind: 'permanent', code: 'InvalidAMIID.NotFound' });
  });

  it("the bot's own refusal to terminate an instance it does not manage is permanent, naming TerminateInstances", async () => {
    const error = await failed(account.fleet.terminate(account.service, [account.seeded.fleet[0].instanceId]));
    expect(classifyFailure(error)).toMatchObject({ kind: 'permanent', code: 'NotManagedByBot', operation: 'TerminateInstances' });
    expect(classifyFailure(error).fix).toContain('adopt');
  });

  it('a refused connection is transient', async () => {
    const fleet = createAwsFleet({ endpoints: { ec2: 'http://127.0.0.1:9', elbv2: 'http://127.0.0.1:9' }, credentials: testCredentials, maxAttempts: 1 });
    try {
      expect(kindOf(await failed(fleet.listImages(exampleService(), 1)))).toEqual({ kind: 'transient', code: 'ECONNREFUSED' });
    } finally {
      fleet.destroy();
    }
  });

  it('an IAM denial names the fix', async () => {
    account.emulator.faults.add({ action: 'TerminateInstances', code: 'UnauthorizedOperation', status: 403 });
    const launched = await account.fleet.launch(account.request(await image(), { deployId: 'pr-fix' }));
    const failure = classifyFailure(await failed(account.fleet.terminate(account.service, launched.map((i) => i.instanceId))));
    expect(failure.fix).toMatch(/IAM policy.*AWS permissions/);
  });
});

describe('Slack Web API errors (the fake Slack through WebClient)', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({
      token: 'xoxb-good',
      channels: [
        { id: 'C0DEPLOYS1', name: 'deploys' },
        { id: 'C0OUTSIDE1', name: 'elsewhere', botMember: false },
        { id: 'C0ARCHIVE1', name: 'old', archived: true },
      ],
      users: [{ id: 'U0DANA0001', name: 'dana' }],
    });
  });
  afterAll(() => slack.close());

  const post = async (token: string, channel: string) => {
    const client = new WebClient(token, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    return client.chat.postMessage({ channel, text: 'hello' }).then(
      () => expect.unreachable('Slack took the post'),
      (e: unknown) => slackError(e, 'posting'),
    );
  };

  it.each([
    ['not_in_channel', 'permanent', 'xoxb-good', 'C0OUTSIDE1'],
    ['channel_not_found', 'permanent', 'xoxb-good', 'C0NOWHERE1'],
    ['is_archived', 'permanent', 'xoxb-good', 'C0ARCHIVE1'],
    ['invalid_auth', 'permanent', 'xoxb-revoked', 'C0DEPLOYS1'],
  ] as const)('%s is %s', async (code, kind, token, channel) => {
    expect(kindOf(await post(token, channel))).toEqual({ kind, code });
  });

  it('ratelimited is transient and says when to come back', async () => {
    slack.rateLimit('chat.postMessage', 1, 7);
    const error = await post('xoxb-good', 'C0DEPLOYS1');
    expect(kindOf(error)).toEqual({ kind: 'transient', code: 'ratelimited' });
    expect(error.retryAt).toBeGreaterThan(Date.now() + 5_000);
  });

  it('a Slack that cannot be reached is transient', async () => {
    // Port 9 would do for the AWS SDK, but fetch refuses it before trying: take a port nobody listens on.
    const client = new WebClient('xoxb-good', { slackApiUrl: `http://127.0.0.1:${await freePort()}/api/`, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const error = await client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'x' }).catch((e: unknown) => slackError(e, 'posting'));
    expect(error.message).toContain('ECONNREFUSED');
    expect(kindOf(error).kind).toBe('transient');
  });
});

describe('Jira errors (the fake Jira through the Jira adapter)', () => {
  let jira: FakeJira;
  beforeAll(async () => {
    jira = await startFakeJira();
  });
  afterAll(() => jira.close());

  const releaseVersion = (pat: string) =>
    createJiraTickets({ url: jira.url, pat, timeoutMs: 2_000 })
      .releaseVersion(exampleService(), '9.9.9', Date.now())
      .then(() => expect.unreachable('Jira took it'), (e: unknown) => e);

  it.each([
    [401, 'Unauthorized', 'permanent'],
    [403, 'Forbidden', 'permanent'],
    [404, 'NotFound', 'permanent'],
    [410, 'Gone', 'permanent'],
    [429, 'RateLimited', 'transient'],
    [500, 'ServerError', 'transient'],
    [503, 'ServerError', 'transient'],
  ] as const)('HTTP %i (%s) is %s', async (status, code, kind) => {
    jira.failNext(status);
    expect(kindOf(await releaseVersion(SANDBOX_JIRA_USER.pat))).toEqual({ kind, code });
  });

  it('a wrong token is refused for good', async () => {
    expect(kindOf(await releaseVersion('not-the-pat'))).toEqual({ kind: 'permanent', code: 'Unauthorized' });
  });
});

describe('Sentry errors (the fake Sentry through the new-errors adapter)', () => {
  let sentry: FakeSentry;
  beforeAll(async () => {
    sentry = await startFakeSentry({ token: 'sntrys-good', org: 'acme', projects: [{ id: '1', slug: 'board' }] });
  });
  afterAll(() => sentry.close());

  const read = (token = 'sntrys-good') =>
    createSentryNewErrors({ baseUrl: sentry.url, token })
      .newIssues(exampleService(), '1.5.0')
      .then(() => expect.unreachable('Sentry answered'), (e: unknown) => e);

  it.each([
    [401, 'Unauthorized', 'permanent'],
    [403, 'Forbidden', 'permanent'],
    [404, 'NotFound', 'permanent'],
    [500, 'ServerError', 'transient'],
    [502, 'ServerError', 'transient'],
  ] as const)('HTTP %i (%s) is %s', async (status, code, kind) => {
    sentry.failNext(1, status);
    expect(kindOf(await read())).toEqual({ kind, code });
  });

  it('429 is transient', async () => {
    sentry.rateLimitNext(1, { resetAt: Math.floor(Date.now() / 1000) + 30 });
    expect(kindOf(await read())).toEqual({ kind: 'transient', code: 'RateLimited' });
  });

  it('a revoked token is refused for good', async () => {
    expect(kindOf(await read('sntrys-revoked'))).toEqual({ kind: 'permanent', code: 'Unauthorized' });
  });
});

describe('the bot itself', () => {
  it('an error of its own is permanent: the same code gives the same answer', () => {
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'plan')"))).toMatchObject({ kind: 'permanent', system: 'internal', code: 'TypeError' });
  });

  it('its database refusing writes is not asked about in a thread it cannot write', () => {
    expect(classifyFailure(new DependencyError('store', 'database or disk is full', undefined, 'SQLITE_FULL'))).toMatchObject({ kind: 'transient', system: 'store' });
  });
});
