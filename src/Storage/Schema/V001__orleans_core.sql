-- V001 orleans_core: the query table the Orleans ADO.NET providers read at start-up.
--
-- Orchestrator's own schema (see docs/storage.md). The three providers (clustering, grain persistence, reminders)
-- run no SQL of their own: each one loads `SELECT QueryKey, QueryText FROM OrleansQuery` once and then executes the
-- text stored under each key it needs, binding its parameters by name (@DeploymentId, @GrainIdHash, ...) and reading
-- result columns by name. That select is the one fixed name in the contract, so this table keeps it (unquoted, so
-- PostgreSQL folds it to orleansquery). Every other table and column is ours and snake_case; the query texts alias
-- the result columns to the names the providers read.
--
-- Idempotent: safe to run again by hand. Later migrations add rows with INSERT ... ON CONFLICT DO UPDATE, so that a
-- changed query text is itself a new, reviewed migration rather than an edit of an applied one.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleansquery_pkey PRIMARY KEY (QueryKey)
);

COMMENT ON TABLE OrleansQuery IS
    'Query texts the Orleans ADO.NET providers execute, by key. Written only by Orchestrator schema migrations.';
