-- Event ids only ever grow, also when the newest events are deleted (forget): readers that
-- follow the log by id (the API's events cursor, the re-scorer) would otherwise skip the
-- events that reused an id they had passed. The writer numbers each batch after the larger of
-- max(id) and last_event_id, and records the last id it gave in the same transaction: what
-- AUTOINCREMENT does per row, once a batch.
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters (name, value) SELECT 'last_event_id', coalesce(max(id), 0) FROM events;
