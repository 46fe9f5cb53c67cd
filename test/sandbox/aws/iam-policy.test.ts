import { describe, expect, it } from 'vitest';
import { IdentityPolicy, type AuthorizationRequest, type PolicyDocument, type PolicyStatement } from '../../../src/sandbox/aws/iam-policy.js';
import { readmePolicy } from '../../../src/sandbox/aws/readme-policy.js';

const INSTANCE = 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0';

const policy = (...Statement: PolicyStatement[]) => IdentityPolicy.parse({ Version: '2012-10-17', Statement });
const allow = (extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: 'Allow', Action: 'ec2:*', Resource: '*', ...extra });
const decide = (p: IdentityPolicy, request: Partial<AuthorizationRequest> = {}) =>
  p.evaluate({ action: 'ec2:CreateTags', resource: INSTANCE, ...request }).decision;
/** One allowing statement under a single condition, judged against a request context. */
const underCondition = (operator: string, key: string, value: unknown, context: AuthorizationRequest['context']) =>
  decide(policy(allow({ Condition: { [operator]: { [key]: value } } })), { context });

describe('IAM identity policy evaluation', () => {
  it('denies by default, allows what a statement allows, and lets an explicit Deny win', () => {
    expect(decide(policy(allow({ Action: 'ec2:DescribeImages' })))).toBe('implicit-deny');
    expect(decide(policy(allow()))).toBe('allow');
    expect(decide(policy(allow(), { Effect: 'Deny', Action: 'ec2:CreateTags', Resource: '*' }))).toBe('explicit-deny');
    expect(policy(allow({ Sid: 'Tagging' }), allow()).evaluate({ action: 'ec2:CreateTags', resource: INSTANCE }).statements).toEqual(['Tagging', 'Statement[1]']);
  });

  it('matches actions case-insensitively with * and ?, from a string or a list', () => {
    expect(decide(policy(allow({ Action: 'EC2:createtags' })))).toBe('allow');
    expect(decide(policy(allow({ Action: 'ec2:Create*' })))).toBe('allow');
    expect(decide(policy(allow({ Action: 'ec2:?reateTags' })))).toBe('allow');
    expect(decide(policy(allow({ Action: 'ec2:?Tags' })))).toBe('implicit-deny');
    expect(decide(policy(allow({ Action: ['ec2:RunInstances', 'ec2:CreateTags'] })))).toBe('allow');
    expect(decide(policy(allow({ Action: 'elasticloadbalancing:*' })))).toBe('implicit-deny');
  });

  it('matches resource ARNs case-sensitively with wildcards, including the empty account of an image ARN', () => {
    expect(decide(policy(allow({ Resource: 'arn:aws:ec2:*:*:instance/*' })))).toBe('allow');
    expect(decide(policy(allow({ Resource: 'arn:aws:ec2:*:*:INSTANCE/*' })))).toBe('implicit-deny');
    expect(decide(policy(allow({ Resource: ['arn:aws:ec2:*:*:volume/*', 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef?'] })))).toBe('allow');
    const image = { action: 'ec2:RunInstances', resource: 'arn:aws:ec2:eu-west-1::image/ami-0abc' };
    expect(decide(policy(allow({ Resource: 'arn:aws:ec2:*::image/*' })), image)).toBe('allow');
    expect(decide(policy(allow({ Resource: 'arn:aws:ec2:*:123456789012:image/*' })), image)).toBe('implicit-deny');
  });

  it('StringEquals: any of the policy’s values, case-sensitive values, case-insensitive key names, and false when the key is absent', () => {
    const tagged = { 'aws:ResourceTag/team': 'boards' };
    expect(underCondition('StringEquals', 'aws:ResourceTag/team', 'boards', tagged)).toBe('allow');
    expect(underCondition('StringEquals', 'aws:ResourceTag/team', ['chat', 'boards'], tagged)).toBe('allow');
    expect(underCondition('StringEquals', 'aws:ResourceTag/team', 'Boards', tagged)).toBe('implicit-deny');
    expect(underCondition('StringEquals', 'AWS:resourcetag/TEAM', 'boards', tagged)).toBe('allow');
    expect(underCondition('StringEquals', 'aws:ResourceTag/team', 'boards', {})).toBe('implicit-deny');
  });

  it('StringEquals accepts booleans and numbers as their text', () => {
    expect(underCondition('StringEquals', 'aws:RequestTag/canary', true, { 'aws:RequestTag/canary': 'true' })).toBe('allow');
    expect(underCondition('StringEquals', 'aws:RequestTag/shard', 7, { 'aws:RequestTag/shard': '7' })).toBe('allow');
  });

  it('StringNotEquals: true when no value is equal, and when the key is absent', () => {
    expect(underCondition('StringNotEquals', 'aws:ResourceTag/env', 'prod', { 'aws:ResourceTag/env': 'staging' })).toBe('allow');
    expect(underCondition('StringNotEquals', 'aws:ResourceTag/env', ['prod', 'staging'], { 'aws:ResourceTag/env': 'staging' })).toBe('implicit-deny');
    expect(underCondition('StringNotEquals', 'aws:ResourceTag/env', 'prod', {})).toBe('allow');
  });

  it('StringLike: * and ? in the policy’s values, case-sensitive', () => {
    const context = { 'ec2:ResourceTag/release-bot:deploy-id': 'rel-0007' };
    expect(underCondition('StringLike', 'ec2:ResourceTag/release-bot:deploy-id', 'rel-*', context)).toBe('allow');
    expect(underCondition('StringLike', 'ec2:ResourceTag/release-bot:deploy-id', 'rel-000?', context)).toBe('allow');
    expect(underCondition('StringLike', 'ec2:ResourceTag/release-bot:deploy-id', ['pre-*', 'REL-*'], context)).toBe('implicit-deny');
    expect(underCondition('StringLike', 'ec2:ResourceTag/release-bot:deploy-id', '*', {})).toBe('implicit-deny');
  });

  it('ForAllValues:StringEquals: every request value listed, vacuously true without the key', () => {
    const allowed = ['role', 'service'];
    expect(underCondition('ForAllValues:StringEquals', 'aws:TagKeys', allowed, { 'aws:TagKeys': ['role'] })).toBe('allow');
    expect(underCondition('ForAllValues:StringEquals', 'aws:TagKeys', allowed, { 'aws:TagKeys': ['role', 'service'] })).toBe('allow');
    expect(underCondition('ForAllValues:StringEquals', 'aws:TagKeys', allowed, { 'aws:TagKeys': ['role', 'owner'] })).toBe('implicit-deny');
    expect(underCondition('ForAllValues:StringEquals', 'aws:TagKeys', allowed, {})).toBe('allow');
  });

  it('ForAnyValue:StringEquals: at least one request value listed, false without the key', () => {
    expect(underCondition('ForAnyValue:StringEquals', 'aws:TagKeys', ['owner'], { 'aws:TagKeys': ['role', 'owner'] })).toBe('allow');
    expect(underCondition('ForAnyValue:StringEquals', 'aws:TagKeys', ['owner'], { 'aws:TagKeys': ['role'] })).toBe('implicit-deny');
    expect(underCondition('ForAnyValue:StringEquals', 'aws:TagKeys', ['owner'], {})).toBe('implicit-deny');
  });

  it('needs every operator and every key of a condition block to hold', () => {
    const both = policy(
      allow({
        Condition: {
          StringEquals: { 'aws:ResourceTag/release-bot:managed-by': 'release-bot', 'ec2:ResourceTag/team': 'boards' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['role'] },
        },
      }),
    );
    const context = { 'aws:ResourceTag/release-bot:managed-by': 'release-bot', 'ec2:ResourceTag/team': 'boards', 'aws:TagKeys': ['role'] };
    expect(decide(both, { context })).toBe('allow');
    expect(decide(both, { context: { ...context, 'ec2:ResourceTag/team': 'chat' } })).toBe('implicit-deny');
    expect(decide(both, { context: { ...context, 'aws:TagKeys': ['role', 'owner'] } })).toBe('implicit-deny');
  });

  it('treats a statement conditioned on a key it cannot know as not matching, whatever its effect', () => {
    const passRole = { action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/board-instance' };
    const unknownKey = { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } };
    expect(decide(policy(allow({ Action: 'iam:PassRole', ...unknownKey })), passRole)).toBe('implicit-deny');
    expect(decide(policy(allow({ Action: 'iam:PassRole' }), { Effect: 'Deny', Action: '*', Resource: '*', ...unknownKey }), passRole)).toBe('allow');
    expect(underCondition('StringNotEquals', 'aws:SourceIp', '10.0.0.1', {})).toBe('implicit-deny');
  });

  it('refuses policies it cannot evaluate exactly', () => {
    const bad: [unknown, RegExp][] = [
      [{ Statement: [{ Effect: 'Allow', NotAction: 'ec2:RunInstances', Resource: '*' }] }, /NotAction/],
      [{ Statement: [{ Effect: 'Allow', Action: '*', NotResource: '*' }] }, /NotResource/],
      [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Principal: '*' }] }, /Principal/],
      [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] }, /IpAddress/],
      [{ Statement: [{ Effect: 'Permit', Action: '*', Resource: '*' }] }, /Effect/],
      [{ Statement: [{ Effect: 'Allow', Resource: '*' }] }, /Action/],
      [{ Statement: [{ Effect: 'Allow', Action: '*' }] }, /Resource/],
      [{ Statement: [{ Sid: 'Odd', Effect: 'Allow', Action: '*', Resource: '*', Actions: '*' }] }, /Odd.*Actions/],
      [{ Version: '2020-01-01', Statement: [allow()] }, /Version/],
      [{ Statement: [] }, /no Statement/],
    ];
    for (const [document, problem] of bad) expect(() => IdentityPolicy.parse(document as PolicyDocument), JSON.stringify(document)).toThrow(problem);
  });

  it('accepts a single statement object and the README’s policy as written', () => {
    expect(decide(IdentityPolicy.parse({ Statement: allow() }))).toBe('allow');
    const readme = IdentityPolicy.parse(readmePolicy());
    expect(readme.evaluate({ action: 'ec2:DescribeInstances', resource: '*' }).statements).toEqual(['Read']);
  });
});
