-- The log's own name, made once: the node id of its events' ids (NODE:LOCAL) unless the config
-- sets node_id, so ids stay the same for as long as the log lives.
CREATE TABLE properties (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO properties (name, value) VALUES ('node_id', lower(hex(randomblob(4))));

-- Verdicts the re-scorer changed, each an event of its own for webhooks. Numbered from the
-- events' sequence (counters.last_event_id), so one cursor follows both in order.
CREATE TABLE verdict_changes (
  id       INTEGER PRIMARY KEY,
  time_ms  INTEGER NOT NULL,  -- when it changed, Unix milliseconds
  event_id INTEGER NOT NULL,  -- the event whose verdict it changed
  verdict  TEXT    NOT NULL,
  previous TEXT,
  reasons  TEXT
);

-- Webhook delivery with the log as the outbox. Each endpoint's cursor: every event up to
-- after_id is in a batch, delivered or pending. Its totals are what `webhooks status` shows.
CREATE TABLE webhook_endpoints (
  endpoint          TEXT PRIMARY KEY,
  after_id          INTEGER NOT NULL,
  delivered_events  INTEGER NOT NULL DEFAULT 0,
  delivered_batches INTEGER NOT NULL DEFAULT 0,
  failures          INTEGER NOT NULL DEFAULT 0,
  last_error        TEXT,
  last_error_ms     INTEGER,
  last_delivery_ms  INTEGER,
  disabled_ms       INTEGER  -- answered 410 Gone: nothing is sent until the config is reloaded
) WITHOUT ROWID;

-- Batches made and not yet acknowledged. A batch is made once and sent as it is until
-- acknowledged, so a re-sent batch keeps its webhook-id (from seq) and its exact body.
CREATE TABLE webhook_batches (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint        TEXT    NOT NULL,
  first_id        INTEGER NOT NULL,
  last_id         INTEGER NOT NULL,
  events          INTEGER NOT NULL,
  first_time_ms   INTEGER NOT NULL,  -- when its first event happened: the endpoint's lag
  body            TEXT    NOT NULL,
  created_ms      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT,
  dead_ms         INTEGER  -- retried until max_age, then kept here as a dead letter
);
CREATE INDEX webhook_batches_endpoint ON webhook_batches (endpoint, dead_ms, seq);
