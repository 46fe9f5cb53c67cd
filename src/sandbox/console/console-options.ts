import type { FakeSlack } from '../slack/server.js';

/** Someone the newcomer can act as; the ID must be a user of the fake workspace. */
export interface ConsoleIdentity {
  id: string;
  name: string;
  /** Shown next to the name in the picker, e.g. "deployer", "approver", "not allowed". */
  role: string;
}

/** A box in the sidebar that polls a JSON object and shows its key/value pairs. */
export interface ConsolePanel {
  id: string;
  title: string;
  fetchUrl: string;
  /** Default 2000. */
  intervalMs?: number;
}

/** A small line chart polling `{ series: [{ name, points: [[epochMs, value], …] }] }`. */
export interface ConsoleChart {
  id: string;
  title: string;
  fetchUrl: string;
  /** Default 2000. */
  intervalMs?: number;
}

/** Answers a GET with a JSON body, e.g. what a panel or chart polls. */
export type JsonRoute = () => unknown | Promise<unknown>;

/** What the sandbox adds around the Slack view: simulated users, fleet charts, a status line. */
export interface ConsoleExtras {
  /** One line under the top bar, e.g. "Prometheus: stand-in (install the prometheus package for the real one)". */
  banner?: string;
  panels?: ConsolePanel[];
  charts?: ConsoleChart[];
  /** Path (e.g. "/extras/users") → JSON handler, served on GET; they must not shadow the console's own paths. */
  routes?: Record<string, JsonRoute>;
}

export interface ConsoleOptions {
  slack: FakeSlack;
  /** The bot's request URL, e.g. http://127.0.0.1:3100/slack/events */
  botUrl: string;
  signingSecret: string;
  identities: ConsoleIdentity[];
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Commands offered under the composer, e.g. "/prerelease board 1.1.0". */
  examples?: string[];
  extras?: ConsoleExtras;
}
