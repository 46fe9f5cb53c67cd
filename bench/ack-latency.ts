import { blockActionsBody, sendSigned, slashCommandBody } from '../src/sandbox/slack/signing.js';
import { PRERELEASE_ACTIONS } from '../src/slack/blocks/prerelease-actions.js';

export interface AckLoad {
  url: string;
  signingSecret: string;
  requests: number;
  concurrency: number;
  /** A fresh body for the n-th request (its own response URL). */
  body: (n: number) => string;
}

/**
 * Response times in ms of `requests` signed requests, `concurrency` in flight at any time. Bolt
 * answers the HTTP request when the handler acks, so this is the acknowledgement latency Slack
 * sees (it gives up after 3 s). A non-2xx answer fails the measurement.
 */
export async function measureAcks(load: AckLoad): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < load.requests) {
      const body = load.body(next);
      next += 1;
      const sent = performance.now();
      const response = await sendSigned(load.url, load.signingSecret, body);
      await response.arrayBuffer();
      latencies.push(performance.now() - sent);
      if (!response.ok) throw new Error(`the app answered HTTP ${response.status} to a signed request`);
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, worker));
  return latencies;
}

export interface AckTraffic {
  user: { id: string; name: string };
  channel: string;
  responseUrl: () => string;
}

/**
 * What people send at a busy moment, alternately: `/release status board`, which reads the store
 * and answers, and a click on Approve of a deploy that does not exist, which is looked up, refused
 * and answered. Both are read-only, so thousands of them leave the sandbox as it was.
 */
export function mixedAckTraffic(traffic: AckTraffic): (n: number) => string {
  const { user, channel } = traffic;
  return (n) =>
    n % 2 === 0
      ? slashCommandBody({ command: '/release', text: 'status board', user_id: user.id, user_name: user.name, channel_id: channel, team_id: 'T0SANDBOX1', response_url: traffic.responseUrl(), trigger_id: `${n}.bench` })
      : blockActionsBody({
          user: { id: user.id, name: user.name },
          channel: { id: channel },
          message: { ts: '1700000000.000100', blocks: [] },
          actions: [{ action_id: PRERELEASE_ACTIONS.approve, block_id: 'bench', value: 'pr-bench0000', type: 'button', action_ts: `${Date.now() / 1000}` }],
          response_url: traffic.responseUrl(),
          trigger_id: `${n}.bench`,
        });
}
