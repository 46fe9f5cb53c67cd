import { AwsError } from './aws-error.js';
import { denialSentence, type Denial } from './iam-authorizer.js';
import { xmlDocument, type XmlObject } from './xml.js';

/** How one service frames its answers and errors on the wire (the SDK parses both). */
export interface Wire {
  service: 'ec2' | 'elbv2';
  version: string;
  result(action: string, body: XmlObject, requestId: string): string;
  error(error: AwsError, requestId: string): string;
  missingParameter(name: string): AwsError;
  throttled(): AwsError;
  /** The service's answer when IAM refuses the caller. */
  unauthorized(denial: Denial): AwsError;
  /** The answer to a `DryRun=true` request that would have succeeded; absent where the service has no DryRun. */
  dryRunSucceeded?(): AwsError;
}

const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const ELB_NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

/** EC2 query: fields straight under the root, errors in `<Response><Errors>`. */
export const ec2Wire: Wire = {
  service: 'ec2',
  version: '2016-11-15',
  result: (action, body, requestId) => xmlDocument(`${action}Response`, { requestId, ...body }, EC2_NAMESPACE),
  error: (error, requestId) =>
    xmlDocument('Response', { Errors: { Error: { Code: error.code, Message: error.message } }, RequestID: requestId }),
  missingParameter: (name) => new AwsError('MissingParameter', `The request must contain the parameter ${name}`),
  throttled: () => new AwsError('RequestLimitExceeded', 'Request limit exceeded.', 503),
  unauthorized: (denial) =>
    new AwsError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. ${denialSentence(denial)}. Encoded authorization failure message: ${denial.encodedMessage}`,
      403,
    ),
  dryRunSucceeded: () => new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412),
};

/** AWS query (ELBv2): fields in `<ActionResult>`, errors in `<ErrorResponse>` with a fault type. */
export const elbWire: Wire = {
  service: 'elbv2',
  version: '2015-12-01',
  result: (action, body, requestId) =>
    xmlDocument(`${action}Response`, { [`${action}Result`]: body, ResponseMetadata: { RequestId: requestId } }, ELB_NAMESPACE),
  error: (error, requestId) =>
    xmlDocument(
      'ErrorResponse',
      { Error: { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message }, RequestId: requestId },
      ELB_NAMESPACE,
    ),
  missingParameter: (name) =>
    new AwsError('ValidationError', `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`),
  throttled: () => new AwsError('Throttling', 'Rate exceeded', 400),
  unauthorized: (denial) => new AwsError('AccessDenied', denialSentence(denial), 403),
};
