-- lifeboat catalog, schema version 3 (numbered 3 because version 2 was being written in parallel on
-- another branch; a catalog that lacks V2.sql in this build skips it, see CatalogDatabase.migrate).
-- Indexes for the report, which asks per drill and per source for the newest runs and the newest
-- passing one: the ORDER BY of Catalog's queries is the index order, so the database reads the
-- first rows of one index range and stops, instead of every run of the item.

CREATE INDEX IF NOT EXISTS lifeboat_backup_run_newest ON lifeboat_backup_run (source, started_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS lifeboat_backup_run_outcome ON lifeboat_backup_run (source, outcome, started_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS lifeboat_drill_run_newest ON lifeboat_drill_run (drill, started_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS lifeboat_drill_run_outcome ON lifeboat_drill_run (drill, outcome, started_at DESC, id DESC);
