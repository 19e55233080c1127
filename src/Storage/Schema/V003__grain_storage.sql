-- V003 grain_storage: grain state for Microsoft.Orleans.Persistence.AdoNet 10.4.2.
--
-- One row per (service, state name, grain key). The provider identifies a record by these parameters:
--   @ServiceId, @GrainTypeString (the [PersistentState] name, e.g. 'checkout'), @GrainTypeHash (hash of that name),
--   @GrainIdN0 / @GrainIdN1 (Guid halves or 0 / the integer key), @GrainIdExtensionString (string key, or the
--   extension of a compound key, else NULL) and @GrainIdHash (hash of the key).
-- @GrainStateVersion is the ETag the grain holds (NULL before the first write); @PayloadBinary the serialized state.
--
-- Better than the stock design, on purpose:
--   * a PRIMARY KEY. The stock table has only a non-unique index on the two 32-bit hashes, so a hash collision or a
--     racing first write can leave two rows for one grain. Here the key is the full identity, led by the two hashes
--     (cheap integer comparisons decide most index steps). The extension is stored as '' when the provider sends NULL
--     because key columns cannot be NULL; Orleans never produces an empty extension (compound keys reject
--     empty/whitespace extensions), so '' and NULL never name two different grains.
--   * a single-statement write instead of a plpgsql function: one round trip, one short implicit transaction, and
--     the optimistic-concurrency rule in plain sight (see WriteToStorageKey).
--   * reads, clears and deletes go by primary key.
--   * fillfactor 90 leaves room on each page so that a state write (which changes no key column) can be a HOT update.
--   * timestamptz, ids compared byte-wise (COLLATE "C").
-- The payload stays bytea (the provider's contract is bytes); with the System.Text.Json serializer Orchestrator
-- configures it is UTF-8 JSON, readable through the orleans_grain_state_json view below.

CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id         text COLLATE "C" NOT NULL,
    grain_type_hash    integer          NOT NULL,
    grain_id_hash      integer          NOT NULL,
    grain_type         text COLLATE "C" NOT NULL,
    grain_id_n0        bigint           NOT NULL,
    grain_id_n1        bigint           NOT NULL,
    grain_id_extension text COLLATE "C" NOT NULL DEFAULT '',
    -- NULL after ClearStateAsync (the row and its version survive, so the ETag keeps increasing).
    payload            bytea            NULL,
    version            integer          NOT NULL,
    modified_at        timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT orleans_grain_state_pkey PRIMARY KEY
        (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
) WITH (fillfactor = 90);

COMMENT ON TABLE orleans_grain_state IS
    'Orleans grain state, one row per (service, state name, grain key). version is the ETag; payload is UTF-8 JSON.';

-- For people, not for Orleans: the state as jsonb. grain_key is the string key itself for string-keyed grains (all of
-- Orchestrator's); for Guid and integer keys it is 'n0:n1' (the provider's two 64-bit halves) plus '+extension'.
-- Querying it fails on a row whose payload is not UTF-8 JSON (a provider configured with another serializer).
CREATE OR REPLACE VIEW orleans_grain_state_json AS
SELECT service_id,
       grain_type,
       CASE WHEN grain_id_n0 = 0 AND grain_id_n1 = 0 THEN grain_id_extension
            ELSE grain_id_n0::text || ':' || grain_id_n1::text
                 || CASE WHEN grain_id_extension = '' THEN '' ELSE '+' || grain_id_extension END
       END AS grain_key,
       version,
       modified_at,
       convert_from(payload, 'UTF8')::jsonb AS state
FROM orleans_grain_state;

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- Result: PayloadBinary (NULL when cleared) and Version; no row when the grain was never written.
('ReadFromStorageKey', $q$
SELECT payload AS "PayloadBinary",
       version AS "Version"
FROM orleans_grain_state
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
$q$),

-- Optimistic write. With an ETag (@GrainStateVersion) the row must exist at exactly that version and moves to the
-- next one; without an ETag the row must not exist yet and is created at version 1. Anything else returns no row,
-- which the provider turns into InconsistentStateException. Result: NewGrainStateVersion.
--
-- One statement, two arms, at most one of which can match: the UPDATE arm (the hot path, a primary-key update that
-- can be HOT) and the INSERT arm, which only runs for a first write and loses cleanly (DO NOTHING) to a concurrent
-- first write. A plain INSERT ... ON CONFLICT DO UPDATE ... WHERE version = @GrainStateVersion would be one arm
-- shorter but wrong in one case: a write carrying an ETag for a row that no longer exists would silently re-create
-- it at version 1 instead of reporting the conflict.
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleans_grain_state s
    SET payload = @PayloadBinary,
        version = s.version + 1,
        modified_at = now()
    WHERE s.grain_id_hash = @GrainIdHash
      AND s.grain_type_hash = @GrainTypeHash
      AND s.service_id = @ServiceId
      AND s.grain_type = @GrainTypeString
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_id_extension = coalesce(@GrainIdExtensionString, '')
      AND s.version = @GrainStateVersion
    RETURNING s.version
), inserted AS (
    INSERT INTO orleans_grain_state
        (service_id, grain_type_hash, grain_id_hash, grain_type, grain_id_n0, grain_id_n1, grain_id_extension,
         payload, version)
    SELECT @ServiceId, @GrainTypeHash, @GrainIdHash, @GrainTypeString, @GrainIdN0, @GrainIdN1,
           coalesce(@GrainIdExtensionString, ''), @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_pkey DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted
$q$),

-- ClearStateAsync (DeleteStateOnClear = false, the default): keep the row, drop the payload, bump the version.
-- Result: the new version in the first column; no row on a version conflict.
('ClearStorageKey', $q$
UPDATE orleans_grain_state
SET payload = NULL,
    version = version + 1,
    modified_at = now()
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$q$),

-- ClearStateAsync with DeleteStateOnClear = true: remove the row. The provider requires a value different from the
-- ETag it sent, so the statement returns the version the row would have had next.
('DeleteStorageKey', $q$
DELETE FROM orleans_grain_state
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version + 1 AS "NewGrainStateVersion"
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
