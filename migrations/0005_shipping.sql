-- Shipping the log to the analytics store (analytics.clickhouse): the log is the node's spool.
-- Every event and verdict change up to after_id has been inserted there and acknowledged; a
-- restart sends again from after_id (inserts are idempotent: ClickHouse keeps one row an id).
-- Its totals are what metrics and logs show. Retention never deletes an event past the cursor.
CREATE TABLE shipping_cursors (
  name            TEXT PRIMARY KEY,
  after_id        INTEGER NOT NULL,
  shipped_rows    INTEGER NOT NULL DEFAULT 0,
  batches         INTEGER NOT NULL DEFAULT 0,
  failures        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  last_error_ms   INTEGER,
  last_shipped_ms INTEGER
) WITHOUT ROWID;

-- `forget` requests recorded in the analytics store (by any node) and applied to this spool.
CREATE TABLE forgets_applied (
  request_id TEXT PRIMARY KEY,
  applied_ms INTEGER NOT NULL
) WITHOUT ROWID;
