-- The summary the dashboard and `stats?estimate=1` read instead of every event: per hour, the
-- events of each group of a dimension counted by kind and verdict, the last one's time, and the
-- people (human clickers and openers) as sketches (clicklog/people_sketch.hpp). A pure function
-- of the log, kept current by following new event ids (summary_after_id in counters) and by
-- recomputing every hour whose events changed after they were summarized (summary_dirty:
-- re-scoring, forget, retention). Dimensions (clicklog/summary_cells.hpp):
--   all ('')  campaign (its id; '' for none)  link (campaign, 0x1F, link)  host  reason
--   agent (user agents of machines' events only)
CREATE TABLE summary_hours (
  dimension   TEXT    NOT NULL,
  value       TEXT    NOT NULL,
  hour        INTEGER NOT NULL,  -- time_ms / 3600000
  clicks      INTEGER NOT NULL DEFAULT 0,  -- people's (human or not yet judged)
  suspect_clicks INTEGER NOT NULL DEFAULT 0,
  bot_clicks  INTEGER NOT NULL DEFAULT 0,
  opens       INTEGER NOT NULL DEFAULT 0,
  suspect_opens INTEGER NOT NULL DEFAULT 0,
  bot_opens   INTEGER NOT NULL DEFAULT 0,
  last_click_ms INTEGER,
  detail      TEXT,              -- link: its destination
  clickers    BLOB,
  openers     BLOB,
  PRIMARY KEY (dimension, value, hour)
) WITHOUT ROWID;
CREATE INDEX summary_hours_hour ON summary_hours (hour);
CREATE TABLE summary_dirty (
  hour INTEGER PRIMARY KEY
);
INSERT INTO counters (name, value) VALUES ('summary_after_id', 0);
