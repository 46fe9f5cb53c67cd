import { IdentityPolicy, type AuthorizationRequest, type PolicyDocument } from './iam-policy.js';

export interface IamOptions {
  /** The identity policy every request is checked against. */
  policy: PolicyDocument;
  /** Who the caller is, as denial messages name it (default `arn:aws:sts::<account>:assumed-role/release-bot/i-0bot`). */
  principalArn?: string;
}

/** Why a request was refused: enough for either service to word its own error. */
export interface Denial {
  principalArn: string;
  action: string;
  resource: string;
  /** A Deny statement matched, rather than no Allow. */
  explicit: boolean;
  /** Opaque to clients, as AWS's is; `decodeAuthorizationMessage` reads it back. */
  encodedMessage: string;
}

/** What AWS's sts:DecodeAuthorizationMessage would show for a denial, in the same shape. */
export interface DecodedAuthorization {
  allowed: false;
  explicitDeny: boolean;
  matchedStatements: { items: { statementId: string }[] };
  context: {
    principal: { arn: string };
    action: string;
    resource: string;
    conditions: { items: { key: string; values: { items: { value: string }[] } }[] };
  };
}

/** Checks each request against one identity policy, as IAM does before a service acts. */
export class Authorizer {
  readonly principalArn: string;
  private readonly policy: IdentityPolicy;

  constructor(options: IamOptions, accountId: string) {
    this.policy = IdentityPolicy.parse(options.policy);
    this.principalArn = options.principalArn ?? `arn:aws:sts::${accountId}:assumed-role/release-bot/i-0bot`;
  }

  /** The first request, in the order given, that the policy does not allow. */
  firstDenial(requests: readonly AuthorizationRequest[]): Denial | undefined {
    for (const request of requests) {
      const { decision, statements } = this.policy.evaluate(request);
      if (decision === 'allow') continue;
      const explicit = decision === 'explicit-deny';
      const decoded: DecodedAuthorization = {
        allowed: false,
        explicitDeny: explicit,
        matchedStatements: { items: statements.map((statementId) => ({ statementId })) },
        context: {
          principal: { arn: this.principalArn },
          action: request.action,
          resource: request.resource,
          conditions: {
            items: Object.entries(request.context ?? {}).map(([key, value]) => ({
              key,
              values: { items: (typeof value === 'string' ? [value] : value).map((v) => ({ value: v })) },
            })),
          },
        },
      };
      const encodedMessage = Buffer.from(JSON.stringify(decoded)).toString('base64');
      return { principalArn: this.principalArn, action: request.action, resource: request.resource, explicit, encodedMessage };
    }
    return undefined;
  }
}

export function decodeAuthorizationMessage(encoded: string): DecodedAuthorization {
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as DecodedAuthorization;
}

/** The sentence both services use, up to where EC2 appends the encoded message. */
export function denialSentence(denial: Denial): string {
  const why = denial.explicit ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${denial.action} action`;
  return `User: ${denial.principalArn} is not authorized to perform: ${denial.action} on resource: ${denial.resource} ${why}`;
}
