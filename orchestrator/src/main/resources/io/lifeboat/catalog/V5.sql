-- lifeboat catalog, schema version 5: each item's newest runs, copied beside the full record for
-- the report. The report wants every source's and drill's 20 newest runs; in the run tables they
-- are scattered over every page (runs of all items interleave in time), so reading them decoded
-- the whole table: 0.14 s of a 1.1 s report over 100,000 runs (bench/schedule.sh). These tables
-- hold at most RECENT_KEPT runs per item (Catalog trims them in the transaction that appends a
-- run), so the report reads them in one scan whose cost follows the number of items, not runs.
-- The id is the run's id in the run table. Same portability rules as V1; the backfill below
-- copies only what is not there yet, so applying this twice is harmless too.

CREATE TABLE IF NOT EXISTS lifeboat_recent_backup_run (
    id            BIGINT        PRIMARY KEY,
    source        VARCHAR(63)   NOT NULL,
    backup_id     VARCHAR(40),
    outcome       VARCHAR(16)   NOT NULL,
    reason        VARCHAR(4000) NOT NULL,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    raw_bytes     BIGINT,
    stored_bytes  BIGINT,
    object_key    VARCHAR(1024),
    origin        VARCHAR(16)   NOT NULL,
    node          VARCHAR(255)  NOT NULL
);
CREATE INDEX IF NOT EXISTS lifeboat_recent_backup_run_newest ON lifeboat_recent_backup_run (source, started_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS lifeboat_recent_drill_run (
    id            BIGINT        PRIMARY KEY,
    drill         VARCHAR(63)   NOT NULL,
    source        VARCHAR(63)   NOT NULL,
    run_id        VARCHAR(64)   NOT NULL,
    backup_id     VARCHAR(40),
    outcome       VARCHAR(16)   NOT NULL,
    reason        VARCHAR(4000) NOT NULL,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    backup_age_ms BIGINT,
    restore_ms    BIGINT,
    origin        VARCHAR(16)   NOT NULL,
    node          VARCHAR(255)  NOT NULL
);
CREATE INDEX IF NOT EXISTS lifeboat_recent_drill_run_newest ON lifeboat_recent_drill_run (drill, started_at DESC, id DESC);

-- The backfill of a catalog that has runs from before this version: each item's 20 newest.
INSERT INTO lifeboat_recent_backup_run (id, source, backup_id, outcome, reason, started_at, finished_at, raw_bytes, stored_bytes,
        object_key, origin, node)
SELECT id, source, backup_id, outcome, reason, started_at, finished_at, raw_bytes, stored_bytes, object_key, origin, node
FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY source ORDER BY started_at DESC, id DESC) AS lifeboat_rank
      FROM lifeboat_backup_run t) ranked
WHERE lifeboat_rank <= 20 AND NOT EXISTS (SELECT 1 FROM lifeboat_recent_backup_run r WHERE r.id = ranked.id);
INSERT INTO lifeboat_recent_drill_run (id, drill, source, run_id, backup_id, outcome, reason, started_at, finished_at,
        backup_age_ms, restore_ms, origin, node)
SELECT id, drill, source, run_id, backup_id, outcome, reason, started_at, finished_at, backup_age_ms, restore_ms, origin, node
FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY drill ORDER BY started_at DESC, id DESC) AS lifeboat_rank
      FROM lifeboat_drill_run t) ranked
WHERE lifeboat_rank <= 20 AND NOT EXISTS (SELECT 1 FROM lifeboat_recent_drill_run r WHERE r.id = ranked.id);
