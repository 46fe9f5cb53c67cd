import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSlack } from '../../src/preflight/slack-check.js';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/slack/server.js';
import { serviceWith } from '../support/catalog.js';

const TOKEN = 'xoxb-preflight-token';
const DEPLOYS = 'C0DEPLOYS1';
const RELEASES = 'C0RELEASE1';
const service = serviceWith({ slack: { deployChannel: DEPLOYS, releaseChannel: RELEASES } });

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack({
    token: TOKEN,
    channels: [
      { id: DEPLOYS, name: 'deploys' },
      { id: RELEASES, name: 'releases', botMember: false },
    ],
    users: [],
  });
});
afterEach(async () => {
  await slack.close();
});

const client = (token = TOKEN) => new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });

describe('Slack check', () => {
  it('passes for channels the bot is in, reading one message of each and posting nothing', async () => {
    slack.workspace.setBotMember(RELEASES, true);

    const lines = await checkSlack(service, { client: client() });

    expect(lines).toEqual([
      { area: 'Slack', status: 'ok', detail: `the bot reads <#${DEPLOYS}> (slack.deployChannel)`, fix: null },
      { area: 'Slack', status: 'ok', detail: `the bot reads <#${RELEASES}> (slack.releaseChannel)`, fix: null },
    ]);
    expect(slack.workspace.calls().map((c) => [c.method, c.args.limit])).toEqual([
      ['conversations.history', '1'],
      ['conversations.history', '1'],
    ]);
  });

  it('fails a channel the bot is not in, with the /invite to type there', async () => {
    const lines = await checkSlack(service, { client: client() });

    expect(lines.map((l) => l.status)).toEqual(['ok', 'failed']);
    expect(lines[1].detail).toContain(`not in <#${RELEASES}> (slack.releaseChannel)`);
    expect(lines[1].fix).toBe(`invite the bot: \`/invite @release-bot\` in <#${RELEASES}>`);
  });

  it('uses the bot name it is given instead of asking Slack', async () => {
    const [, line] = await checkSlack(service, { client: client(), botName: 'deploy-helper' });

    expect(line.fix).toContain('/invite @deploy-helper');
    expect(slack.workspace.calls('auth.test')).toEqual([]);
  });

  it('fails a channel ID that names no channel the bot can see', async () => {
    const lines = await checkSlack(serviceWith({ slack: { deployChannel: 'C0NOSUCH01', releaseChannel: DEPLOYS } }), { client: client() });

    expect(lines.map((l) => l.status)).toEqual(['failed', 'ok']);
    expect(lines[0].detail).toContain('slack.deployChannel (C0NOSUCH01) names no channel the bot can see');
    expect(lines[0].fix).toContain('set slack.deployChannel');
  });

  it('checks one channel once when it is both the deploy and the release channel', async () => {
    const lines = await checkSlack(serviceWith({ slack: { deployChannel: DEPLOYS, releaseChannel: DEPLOYS } }), { client: client() });

    expect(lines).toHaveLength(1);
    expect(lines[0].detail).toContain('slack.deployChannel and slack.releaseChannel');
  });

  it('fails a rejected bot token once, naming SLACK_BOT_TOKEN', async () => {
    const lines = await checkSlack(service, { client: client('xoxb-revoked') });

    expect(lines).toHaveLength(1);
    expect(lines[0].status).toBe('failed');
    expect(lines[0].detail).toContain('invalid_auth');
    expect(lines[0].fix).toContain('SLACK_BOT_TOKEN');
    expect(JSON.stringify(lines)).not.toContain('xoxb-revoked');
  });
});
