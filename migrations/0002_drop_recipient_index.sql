-- The recipient index served only `forget`, and recipients arrive in random order: each click
-- cost the writer an insert at a random place in it, about half its throughput on a large log
-- (tests/bench: BM_ClickLogSustained). `forget` scans in short rowid slices instead.
DROP INDEX IF EXISTS events_recipient;
