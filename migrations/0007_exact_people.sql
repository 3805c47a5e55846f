-- The summary's people become exact: each group's human clickers and openers are kept as the
-- sorted set of their hashes (clicklog/person.hpp), never a HyperLogLog, so exact stats are
-- answered from the summary (clicklog/summary_stats.hpp) instead of every event; and they are
-- kept for each domain too (dimension host), beside the whole log, campaigns and links.
-- A group's people in an hour may be stored in several parts: each summarizer step appends
-- the people of its new events as one part, merged with the newer parts while an older one is
-- at most twice their size together (clicklog/summarizer.cpp), so the current hour of a busy
-- group is not rewritten whole at every step. A person may be in several parts of a cell; readers
-- count the union. A part of many people also keeps their HyperLogLog registers (4 KiB
-- each), which a query that estimates reads instead of the hashes: a month of a busy log
-- then merges thousands of registers, not millions of hashes.
CREATE TABLE summary_people_0007 (
  dimension   TEXT    NOT NULL,
  hour        INTEGER NOT NULL,
  value       TEXT    NOT NULL,
  part        INTEGER NOT NULL,  -- 0 first; higher parts appended since
  clickers    BLOB,
  openers     BLOB,
  clicker_registers BLOB,  -- of a part of many people: clickers as registers ('D' form)
  opener_registers  BLOB,
  PRIMARY KEY (dimension, hour, value, part)
) WITHOUT ROWID;
INSERT INTO summary_people_0007 (dimension, hour, value, part, clickers, openers)
  SELECT dimension, hour, value, 0, clickers, openers FROM summary_people;
-- Every summarized hour is recomputed (in the background): groups beyond the old sketches' 64
-- people hold estimates, and each domain's people (dimension host) are kept from now on.
INSERT OR IGNORE INTO summary_dirty (hour) SELECT DISTINCT hour FROM summary_hours;
DROP TABLE summary_people;
ALTER TABLE summary_people_0007 RENAME TO summary_people;
CREATE INDEX summary_people_group ON summary_people (dimension, value, hour);
