import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';

/**
 * The least a Bolt app can do, in its own process: verify the signature and ack every slash
 * command and button click, nothing else. The reference for the bot's acks. Prints `{ "port" }`
 * once it listens and serves until SIGTERM.
 */
const { SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL } = process.env;
if (!SLACK_SIGNING_SECRET || !SLACK_BOT_TOKEN || !SLACK_API_URL) throw new Error('SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL are required');

const app = new App({ signingSecret: SLACK_SIGNING_SECRET, token: SLACK_BOT_TOKEN, clientOptions: { slackApiUrl: SLACK_API_URL } });
app.command(/.*/, async ({ ack }) => {
  await ack();
});
app.action(/.*/, async ({ ack }) => {
  await ack();
});
const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
process.once('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
