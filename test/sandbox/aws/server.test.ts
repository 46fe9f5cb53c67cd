import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import type { RunningEndpoint } from '../../../src/sandbox/aws/server.js';
import { ManualTime } from '../../../src/sandbox/aws/time.js';

let emulator: AwsEmulator;
let endpoint: RunningEndpoint;

beforeEach(async () => {
  emulator = new AwsEmulator({ time: new ManualTime() });
  endpoint = await emulator.listen();
});

afterEach(() => emulator.close());

const post = (body: string) =>
  fetch(`${endpoint.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

describe('Query-protocol HTTP endpoint', () => {
  it('listens on 127.0.0.1 and answers XML with a request id', async () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await post('Action=DescribeInstances&Version=2016-11-15');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    const text = await res.text();
    expect(text).toContain('<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    expect(text).toContain(`<requestId>${res.headers.get('x-amzn-requestid')}</requestId>`);
  });

  it('answers only POST at the root', async () => {
    expect((await fetch(`${endpoint.url}/`)).status).toBe(405);
    expect((await fetch(`${endpoint.url}/other`, { method: 'POST', body: 'Action=X' })).status).toBe(404);
  });

  it('answers an unknown action in the error format of the service named by Version', async () => {
    const ec2 = await post('Action=CreateVpc&Version=2016-11-15');
    expect(ec2.status).toBe(400);
    expect(await ec2.text()).toMatch(/<Response><Errors><Error><Code>InvalidAction<\/Code>/);
    const elb = await post('Action=CreateLoadBalancer&Version=2015-12-01');
    expect(await elb.text()).toMatch(/<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
  });

  it('requires a Version that matches the action’s service', async () => {
    expect(await (await post('Action=DescribeTargetHealth')).text()).toContain('<Code>ValidationError</Code>');
    expect(await (await post('Action=DescribeInstances&Version=2015-12-01')).text()).toContain('<Code>InvalidAction</Code>');
    expect(await (await post('Action=DescribeInstances&Version=2014-10-01')).text()).toContain('<Code>NoSuchVersion</Code>');
  });

  it('stops serving once closed', async () => {
    await emulator.close();
    await expect(post('Action=DescribeInstances&Version=2016-11-15')).rejects.toThrow();
  });
});
