-- V002 membership: cluster membership for Microsoft.Orleans.Clustering.AdoNet 10.4.2.
--
-- One version row per cluster (the provider's "DeploymentId" is Orleans' ClusterId) and one row per silo
-- incarnation (address, port, generation). The version row is the optimistic-concurrency token of the whole table:
-- every insert or update of a silo row must name the version it read, and bumps it in the same statement.
--
-- Differences from the stock design, on purpose:
--   * every query is a single SQL statement (data-modifying CTEs) instead of a plpgsql function: one round trip,
--     no function to keep in sync, and the whole table-version protocol is visible in the query text;
--   * the version row is locked (FOR UPDATE) before the silo row is touched, so a losing writer inserts nothing
--     and the statement needs no exception-driven rollback;
--   * silo rows cascade when their cluster's version row is deleted;
--   * timestamps are timestamptz at full precision; ids compare byte-wise (COLLATE "C").

CREATE TABLE IF NOT EXISTS orleans_membership_version
(
    deployment_id text COLLATE "C" NOT NULL,
    version       integer          NOT NULL DEFAULT 0,
    changed_at    timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT orleans_membership_version_pkey PRIMARY KEY (deployment_id)
);

CREATE TABLE IF NOT EXISTS orleans_membership
(
    deployment_id   text COLLATE "C" NOT NULL,
    address         text COLLATE "C" NOT NULL,
    port            integer          NOT NULL,
    generation      integer          NOT NULL,
    silo_name       text             NOT NULL,
    host_name       text             NOT NULL,
    -- Orleans SiloStatus: 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
    status          integer          NOT NULL,
    proxy_port      integer          NOT NULL,
    -- "silo-address,date|silo-address,date": the suspicion votes, in the provider's own text format; NULL when none
    -- (an empty list is stored as NULL, so the per-row clean-up below can compare what it read).
    suspect_times   text             NULL,
    start_time      timestamptz      NOT NULL,
    i_am_alive_time timestamptz      NOT NULL,
    CONSTRAINT orleans_membership_pkey PRIMARY KEY (deployment_id, address, port, generation),
    CONSTRAINT orleans_membership_version_fkey FOREIGN KEY (deployment_id)
        REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE
);

COMMENT ON TABLE orleans_membership IS
    'One row per silo incarnation (Orleans membership). status 3 = Active, 6 = Dead.';

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- Creates the cluster's version row if missing. Result: one boolean column, true when this call created it.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM created
$q$),

-- Adds a silo row if the table is still at @Version (the etag the silo read), bumping the version in the same
-- statement. Result: one boolean column, false when the version moved on or the row already exists.
('InsertMembershipKey', $q$
WITH expected AS (
    SELECT deployment_id
    FROM orleans_membership_version
    WHERE deployment_id = @DeploymentId AND version = @Version
    FOR UPDATE
), inserted AS (
    INSERT INTO orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port,
         start_time, i_am_alive_time)
    SELECT e.deployment_id, @Address, @Port, @Generation, coalesce(@SiloName, ''), coalesce(@HostName, ''),
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM expected e
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
    RETURNING deployment_id
), bumped AS (
    UPDATE orleans_membership_version v
    SET version = v.version + 1, changed_at = now()
    FROM inserted i
    WHERE v.deployment_id = i.deployment_id
    RETURNING 1
)
SELECT count(*) > 0 FROM bumped
$q$),

-- Updates a silo row (status, suspicions, heartbeat) under the same table-version check as the insert.
('UpdateMembershipKey', $q$
WITH expected AS (
    SELECT deployment_id
    FROM orleans_membership_version
    WHERE deployment_id = @DeploymentId AND version = @Version
    FOR UPDATE
), updated AS (
    UPDATE orleans_membership m
    SET status = @Status, suspect_times = nullif(@SuspectTimes, ''), i_am_alive_time = @IAmAliveTime
    FROM expected e
    WHERE m.deployment_id = e.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING m.deployment_id
), bumped AS (
    UPDATE orleans_membership_version v
    SET version = v.version + 1, changed_at = now()
    FROM updated u
    WHERE v.deployment_id = u.deployment_id
    RETURNING 1
)
SELECT count(*) > 0 FROM bumped
$q$),

-- The heartbeat. Not versioned: Orleans treats it as best-effort and reads no result.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),

-- One silo row plus the table version. The outer join returns the version even when the silo has no row yet
-- (the provider reads StartTime NULL as "no entry").
('MembershipReadRowKey', $q$
SELECT m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime",
       v.version         AS "Version"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
$q$),

-- All silo rows plus the table version (at least one row while the cluster's version row exists).
('MembershipReadAllKey', $q$
SELECT m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime",
       v.version         AS "Version"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
$q$),

-- Removes a whole cluster (silo rows cascade).
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership_version
WHERE deployment_id = @DeploymentId
$q$),

-- Gateways for clients: active silos that accept client connections.
('GatewaysQueryKey', $q$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),

-- Bulk clean-up of defunct silos (required key; used only when CleanupDefunctSiloEntryKey is absent).
-- Only dead rows are removed: a silo that stopped heart-beating but was never declared dead stays for Orleans to judge.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime
$q$),

-- Per-row clean-up (optional key, preferred by 10.4.2 when present): the provider has read the table and decided in
-- .NET that this dead row is old enough; the row is deleted only if it still holds exactly the values it judged.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND suspect_times IS NOT DISTINCT FROM nullif(@SuspectTimes, '')
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
