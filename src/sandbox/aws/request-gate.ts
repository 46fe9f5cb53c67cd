import type { Authorizer } from './iam-authorizer.js';
import type { AuthorizationRequest } from './iam-policy.js';
import type { QueryParams } from './query-params.js';
import type { Wire } from './wire.js';

/**
 * The point between validating a request and acting on it. AWS answers in this order: a malformed
 * request or unknown resource fails first, then IAM decides, then a DryRun request stops with
 * "would have succeeded". Handlers call `check` exactly there, so a dry run changes nothing.
 */
export interface Gate {
  /** Throws the service's denial or DryRun answer; returns when the handler may go ahead. */
  check(requests: readonly AuthorizationRequest[]): void;
}

export function requestGate(wire: Wire, params: QueryParams, authorizer: Authorizer | undefined): Gate {
  return {
    check(requests) {
      const denial = authorizer?.firstDenial(requests);
      if (denial) throw wire.unauthorized(denial);
      if (wire.dryRunSucceeded && params.get('DryRun')?.toLowerCase() === 'true') throw wire.dryRunSucceeded();
    },
  };
}
