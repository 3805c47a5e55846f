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
  hour        INTEGER NOT NULL,  -- time_ms / 3600000
  value       TEXT    NOT NULL,
  clicks      INTEGER NOT NULL DEFAULT 0,  -- people's (human or not yet judged)
  suspect_clicks INTEGER NOT NULL DEFAULT 0,
  bot_clicks  INTEGER NOT NULL DEFAULT 0,
  opens       INTEGER NOT NULL DEFAULT 0,
  suspect_opens INTEGER NOT NULL DEFAULT 0,
  bot_opens   INTEGER NOT NULL DEFAULT 0,
  last_click_ms INTEGER,
  detail      TEXT,              -- link: its destination
  PRIMARY KEY (dimension, hour, value)
) WITHOUT ROWID;
-- A period of one dimension is a contiguous range of the key; one group's hours (a campaign,
-- its links) come through this index.
CREATE INDEX summary_hours_group ON summary_hours (dimension, value, hour);
-- The people of the groups of all, campaign and link, apart from the counts: a query that needs
-- counts alone then reads a narrow table.
CREATE TABLE summary_people (
  dimension   TEXT    NOT NULL,
  hour        INTEGER NOT NULL,
  value       TEXT    NOT NULL,
  clickers    BLOB,
  openers     BLOB,
  PRIMARY KEY (dimension, hour, value)
) WITHOUT ROWID;
CREATE INDEX summary_people_group ON summary_people (dimension, value, hour);
CREATE TABLE summary_dirty (
  hour INTEGER PRIMARY KEY
);
INSERT INTO counters (name, value) VALUES ('summary_after_id', 0);
