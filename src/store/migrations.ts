export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: a shipped migration is never edited, a change is a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE deploys (
        id TEXT PRIMARY KEY,
        service TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('prerelease', 'release')),
        version TEXT NOT NULL,
        state TEXT NOT NULL,
        outcome TEXT,
        actor TEXT NOT NULL,
        reason TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        wake_at INTEGER,
        finished_at INTEGER,
        facts TEXT NOT NULL CHECK (json_valid(facts)),
        slack_channel TEXT,
        slack_ts TEXT,
        revision INTEGER NOT NULL,
        rendered_revision INTEGER NOT NULL DEFAULT 0,
        rendered_at INTEGER
      );
      CREATE INDEX deploys_by_created ON deploys (created_at);
      CREATE INDEX deploys_by_service ON deploys (service, created_at);
      CREATE INDEX deploys_unfinished ON deploys (created_at) WHERE finished_at IS NULL;
      CREATE INDEX deploys_unrendered ON deploys (updated_at)
        WHERE revision > rendered_revision OR slack_ts IS NULL;

      CREATE TABLE steps (
        deploy_id TEXT NOT NULL REFERENCES deploys (id),
        seq INTEGER NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        summary TEXT,
        PRIMARY KEY (deploy_id, seq)
      );

      CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        deploy_id TEXT NOT NULL REFERENCES deploys (id),
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT,
        at INTEGER NOT NULL,
        consumed_at INTEGER
      );
      CREATE INDEX actions_pending ON actions (deploy_id, id) WHERE consumed_at IS NULL;

      -- No foreign key: the trail also records refusals about deploys that were never created.
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        deploy_id TEXT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        reason TEXT,
        from_state TEXT,
        to_state TEXT,
        data TEXT CHECK (data IS NULL OR json_valid(data))
      );
      CREATE INDEX audit_by_deploy ON audit (deploy_id, id);

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        deploy_id TEXT NOT NULL REFERENCES deploys (id),
        note TEXT NOT NULL CHECK (json_valid(note)),
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        sent_at INTEGER,
        slack_ts TEXT
      );
      CREATE INDEX outbox_unsent ON outbox (deploy_id, id) WHERE sent_at IS NULL;

      -- No foreign key: a release may take its service's lock before its deploy row exists.
      CREATE TABLE locks (
        service TEXT PRIMARY KEY,
        deploy_id TEXT NOT NULL,
        holder TEXT NOT NULL,
        reason TEXT NOT NULL,
        since INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'outbox-sending-since',
    // When a post of the note began whose outcome the bot never heard: Slack may have the note
    // although sent_at is empty, so the next attempt looks for it before posting again.
    sql: 'ALTER TABLE outbox ADD COLUMN sending_since INTEGER;',
  },
  {
    version: 3,
    name: 'deploy-hold',
    // A step that failed for good waits here for a person's answer; the runner's own state, kept
    // apart from the workflow's facts so both workflows stop and ask the same way.
    sql: 'ALTER TABLE deploys ADD COLUMN hold TEXT CHECK (hold IS NULL OR json_valid(hold));',
  },
  {
    version: 4,
    name: 'leader-lease',
    // Several bot processes may share the database; the one named here runs the deploys and
    // talks to Slack on their behalf until expires_at, unless it renews first.
    sql: `
      CREATE TABLE leader_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
];
