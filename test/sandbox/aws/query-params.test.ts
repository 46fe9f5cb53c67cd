import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/sandbox/aws/aws-error.js';
import { QueryParams } from '../../../src/sandbox/aws/query-params.js';

const missing = (name: string) => new AwsError('MissingParameter', `missing ${name}`);

describe('Query-protocol parameters', () => {
  it('reads indexed lists in numeric order, not text order', () => {
    const body = ['InstanceId.10=i-j', 'InstanceId.2=i-b', 'InstanceId.1=i-a'].join('&');
    expect(QueryParams.parse(body, missing).list('InstanceId')).toEqual(['i-a', 'i-b', 'i-j']);
  });

  it('reads nested structures through scoped views', () => {
    const body = new URLSearchParams({
      'TagSpecification.1.ResourceType': 'instance',
      'TagSpecification.1.Tag.1.Key': 'release-bot:role',
      'TagSpecification.1.Tag.1.Value': 'canary',
      'TagSpecification.1.Tag.2.Key': 'team',
      'TagSpecification.1.Tag.2.Value': 'boards & more',
    }).toString();
    const [spec] = QueryParams.parse(body, missing).structs('TagSpecification');
    expect(spec.get('ResourceType')).toBe('instance');
    expect(spec.structs('Tag').map((t) => [t.get('Key'), t.get('Value')])).toEqual([
      ['release-bot:role', 'canary'],
      ['team', 'boards & more'],
    ]);
  });

  it('names the full path of a missing nested parameter', () => {
    const [filter] = QueryParams.parse('Filter.1.Value.1=x', missing).structs('Filter');
    expect(() => filter.required('Name')).toThrow('missing Filter.1.Name');
  });

  it('rejects a non-integer where an integer is expected', () => {
    expect(() => QueryParams.parse('MaxResults=ten', missing).integer('MaxResults')).toThrow(AwsError);
  });

  it('lists every parameter of a view for the request log', () => {
    const params = QueryParams.parse('Action=X&LaunchTemplate.LaunchTemplateName=board&LaunchTemplate.Version=%24Latest', missing);
    expect(params.within('LaunchTemplate').toRecord()).toEqual({ LaunchTemplateName: 'board', Version: '$Latest' });
  });
});
