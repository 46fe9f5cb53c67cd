import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { sendSigned } from '../src/sandbox/slack/signing.js';

export interface AckLoad {
  url: string;
  signingSecret: string;
  requests: number;
  concurrency: number;
  /** A fresh form body for each request (its own response URL). */
  body: () => string;
}

/**
 * Response times in ms of `requests` signed slash commands, `concurrency` in flight at any time.
 * Bolt answers the HTTP request when the handler acks, so this is the acknowledgement latency
 * Slack sees (it gives up after 3 s). A non-2xx answer fails the measurement.
 */
export async function measureAcks(load: AckLoad): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < load.requests) {
      next += 1;
      const body = load.body();
      const sent = performance.now();
      const response = await sendSigned(load.url, load.signingSecret, body);
      await response.arrayBuffer();
      latencies.push(performance.now() - sent);
      if (!response.ok) throw new Error(`the app answered HTTP ${response.status} to a signed slash command`);
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, worker));
  return latencies;
}

/** The least a Bolt app can do: verify the signature and ack, nothing else. The reference for the bot's acks. */
export async function startBareBolt(options: { signingSecret: string; token: string; slackApiUrl: string; command: string }) {
  const app = new App({ signingSecret: options.signingSecret, token: options.token, clientOptions: { slackApiUrl: options.slackApiUrl } });
  app.command(options.command, async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    stop: () => app.stop() as Promise<void>,
  };
}
