/** What a small team shipped in the board server's first releases, as their commits read. */

export interface SampleCommit {
  subject: string;
  body?: string;
  /** "Name <email>" */
  author: string;
}

export interface SampleVersion {
  version: string;
  commits: SampleCommit[];
}

const MAYA = 'Maya Lindqvist <maya@boards.example>';
const TOMAS = 'Tomás Ferreira <tomas@boards.example>';
const PRIYA = 'Priya Natarajan <priya@boards.example>';

export const SAMPLE_HISTORY: readonly SampleVersion[] = [
  {
    version: '1.0.0',
    commits: [
      { subject: 'BOARD-101 Save boards to the shared store every 5 seconds', author: MAYA },
      { subject: 'BOARD-102 Expose rtb_spaces_count for Prometheus', author: TOMAS },
      { subject: 'Bump ws from 8.17.0 to 8.17.1', author: PRIYA },
      { subject: 'BOARD-104 Add /drain endpoint that asks clients to reconnect', body: 'Clients get a "reconnect" message and come back through the load balancer.', author: MAYA },
    ],
  },
  {
    version: '1.1.0',
    commits: [
      { subject: 'BOARD-107 Show who is editing a sticky note', author: PRIYA },
      { subject: 'BOARD-108 Fix lost edits when two users move the same shape', body: 'The last writer won silently. Now edits are merged per property.\n\nRefs BOARD-95', author: TOMAS },
      { subject: 'BOARD-110 Throttle cursor broadcasts to 20 per second', author: MAYA },
      { subject: 'OPS-7 Log how long a drain takes', author: PRIYA },
    ],
  },
  {
    version: '1.2.0',
    commits: [
      { subject: 'BOARD-112 Keep cursor position after reconnect', author: MAYA },
      { subject: 'BOARD-115 Load large boards in chunks', author: TOMAS },
      { subject: 'Fix flaky reconnect test', author: PRIYA },
      { subject: 'BOARD-118 Reject edits from sessions of a drained server', body: 'Follow-up to BOARD-112.', author: TOMAS },
    ],
  },
];

/** For versions the sample history does not know, two plausible commits. */
export function genericVersion(version: string, index: number): SampleVersion {
  const key = 200 + index * 10;
  return {
    version,
    commits: [
      { subject: `BOARD-${key} Tune reconnect backoff for ${version}`, author: PRIYA },
      { subject: `BOARD-${key + 1} Prepare release ${version}`, author: MAYA },
    ],
  };
}
