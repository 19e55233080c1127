-- V004 reminders: durable reminders for Microsoft.Orleans.Reminders.AdoNet 10.4.2.
--
-- One row per (service, grain, reminder name). grain_hash is the grain's uniform hash as a signed 32-bit integer:
-- each silo owns a range of the hash ring and reads its reminders by range (ReadRangeRows1Key / ReadRangeRows2Key),
-- so (service_id, grain_hash) is indexed.
--
-- The 10.4.2 provider binds exactly: @ServiceId, @GrainId, @ReminderName, @StartTime, @Period (milliseconds, int or
-- bigint), @GrainHash, @BeginHash, @EndHash, @Version; and reads GrainId, ReminderName, StartTime, Period, Version.
-- (Newer upstream scripts add cron/priority columns; the 10.4.2 assembly neither binds nor reads them.)
--
-- Differences from the stock design: single-statement upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) and
-- delete instead of plpgsql functions; a bigint period (a period longer than ~24.8 days does not fit an integer
-- of milliseconds); timestamptz; ids compared byte-wise (COLLATE "C").

CREATE TABLE IF NOT EXISTS orleans_reminder
(
    service_id    text COLLATE "C" NOT NULL,
    grain_id      text COLLATE "C" NOT NULL,
    reminder_name text COLLATE "C" NOT NULL,
    start_time    timestamptz      NOT NULL,
    period_ms     bigint           NOT NULL,
    grain_hash    integer          NOT NULL,
    version       integer          NOT NULL DEFAULT 0,
    CONSTRAINT orleans_reminder_pkey PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS orleans_reminder_ring_ix ON orleans_reminder (service_id, grain_hash);

COMMENT ON TABLE orleans_reminder IS
    'Orleans reminders, one row per (service, grain, reminder name). grain_id is the Orleans GrainId text, e.g. checkout/m1/ref-1.';

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
('ReadReminderRowsKey', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),

('ReadReminderRowKey', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),

-- The silo's ring range (@BeginHash, @EndHash] when it does not wrap in signed order.
('ReadRangeRows1Key', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),

-- The silo's ring range when it wraps around (also the whole ring when @BeginHash = @EndHash).
('ReadRangeRows2Key', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),

-- Register or update: not versioned by the caller; every upsert yields a new ETag. Result: Version.
('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminder AS r
    (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT ON CONSTRAINT orleans_reminder_pkey DO UPDATE
SET start_time = excluded.start_time,
    period_ms = excluded.period_ms,
    grain_hash = excluded.grain_hash,
    version = r.version + 1
RETURNING r.version AS "Version"
$q$),

-- Unregister, only at the ETag the caller holds. Result: one boolean column.
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleans_reminder
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT count(*) > 0 FROM deleted
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminder
WHERE service_id = @ServiceId
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
