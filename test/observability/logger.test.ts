import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { wireForms } from '../support/wire-forms.js';

const BOT_TOKEN = 'xoxb-4242-logger-test-bot-token';
const JIRA_TOKEN = 'ATATT3xJiraToken/with+symbols=';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEAws-session-token-42';
const JIRA_EMAIL = 'release-bot@boards.example';
const BASIC = Buffer.from(`${JIRA_EMAIL}:${JIRA_TOKEN}`).toString('base64');


function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', secrets: [BOT_TOKEN, JIRA_TOKEN, SESSION_TOKEN], destination: { write: (line: string) => void lines.push(line) } });
  const leaks = () => [BOT_TOKEN, JIRA_TOKEN, SESSION_TOKEN, BASIC].flatMap(wireForms).filter((form) => lines.some((line) => line.includes(form)));
  return { logger, lines, leaks };
}

/** Answers every request with an AWS-style 500, as a failing endpoint would. */
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(500, { 'content-type': 'text/xml' });
      res.end('<Response><Errors><Error><Code>InternalError</Code><Message>An internal error has occurred.</Message></Error></Errors><RequestID>r-1</RequestID></Response>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: Error) => error,
  );
}

describe('the logger', () => {
  it('logs an AWS SDK error without the session token its raw request carries', async () => {
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: url, maxAttempts: 1, credentials: { accessKeyId: 'AKIATESTLOGGER', secretAccessKey: 'logger-test-secret-key', sessionToken: SESSION_TOKEN } });
    const error = await rejection(ec2.send(new DescribeInstancesCommand({})));
    ec2.destroy();
    const { logger, lines, leaks } = capture();
    logger.warn({ err: error }, 'step failed; it will be retried');
    logger.error(error);
    expect(lines.map((line) => (JSON.parse(line) as { err: { type: string; message: string } }).err)).toEqual([
      expect.objectContaining({ type: 'InternalError', message: 'An internal error has occurred.' }),
      expect.objectContaining({ type: 'InternalError', message: 'An internal error has occurred.' }),
    ]);
    expect(leaks()).toEqual([]);
  });

  it('logs a Slack Web API error without the bot token', async () => {
    const client = new WebClient(BOT_TOKEN, { slackApiUrl: `${url}/api/`, retryConfig: { retries: 0 } });
    const error = await rejection(client.chat.postMessage({ channel: 'C0DEPLOYS1', text: 'hello' }));
    const { logger, lines, leaks } = capture();
    logger.warn({ err: error, error }, 'thread note not delivered; will retry');
    expect(lines.join('')).toContain('statusCode = 500');
    expect(leaks()).toEqual([]);
  });

  it('blanks request headers carried by plain error objects, whatever their case', () => {
    const { logger, lines, leaks } = capture();
    logger.warn(
      {
        error: {
          name: 'RequestError',
          message: 'socket hang up',
          options: { headers: { Authorization: `Bearer ${BOT_TOKEN}`, 'X-Amz-Security-Token': SESSION_TOKEN, cookie: 'session=abc' } },
          response: { request: { headers: { authorization: `Basic ${BASIC}` } } },
        },
      },
      'Jira call failed',
    );
    const logged = JSON.parse(lines[0]) as { error: { options: { headers: Record<string, string> } } };
    expect(logged.error.options.headers).toEqual({ Authorization: '[redacted]', 'X-Amz-Security-Token': '[redacted]', cookie: '[redacted]' });
    expect(leaks()).toEqual([]);
  });

  it('removes Authorization credentials from raw header lists and request dumps', () => {
    const { logger, lines, leaks } = capture();
    logger.warn({ rawHeaders: ['Host', 'jira.example', 'Authorization', `Basic ${BASIC}`] }, 'raw headers');
    logger.warn(`request was GET /rest/api/3/myself HTTP/1.1\r\nAuthorization: Basic ${BASIC}\r\n`);
    logger.info({ note: 'Basic auth needs an email and a token' }, 'prose stays');
    expect(leaks()).toEqual([]);
    expect(lines[0]).toContain('Basic [redacted]');
    expect(lines[2]).toContain('Basic auth needs an email and a token');
  });

  it('removes known secrets in their base64 and URL-encoded forms, in messages and fields', () => {
    const { logger, leaks, lines } = capture();
    logger.info({ body: `token=${encodeURIComponent(JIRA_TOKEN)}&channel=C1` }, 'form body');
    logger.info(`encoded ${Buffer.from(SESSION_TOKEN).toString('base64')} and ${Buffer.from(JIRA_TOKEN).toString('base64url')}`);
    logger.child({ component: 'bolt' }).info(`Bolt said: invalid_auth for ${BOT_TOKEN}`);
    expect(lines).toHaveLength(3);
    expect(leaks()).toEqual([]);
    expect(lines[0]).toContain('channel=C1');
  });
});
