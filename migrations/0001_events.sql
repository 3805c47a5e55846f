-- One row a click, open or app-link resolution.
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  time_ms     INTEGER NOT NULL,            -- Unix time in milliseconds, UTC
  kind        TEXT    NOT NULL CHECK (kind IN ('click', 'open', 'app')),
  host        TEXT    NOT NULL,
  campaign    TEXT,
  template    TEXT,
  message     TEXT,
  recipient   TEXT,
  link        TEXT,
  destination TEXT,
  client_ip   TEXT,                        -- as privacy.ip allows: full, truncated or NULL
  user_agent  TEXT,
  referer     TEXT,
  key_id      INTEGER NOT NULL
);

-- Indexes cost the writer about 10% each (tests/bench: BM_ClickLogSustained); only what stats,
-- retention and forget need. A --host filter scans.
CREATE INDEX events_campaign_time ON events (campaign, time_ms);
CREATE INDEX events_time ON events (time_ms);
CREATE INDEX events_recipient ON events (recipient) WHERE recipient IS NOT NULL;
