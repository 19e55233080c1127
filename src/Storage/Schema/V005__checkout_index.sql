-- V005 checkout_index: the operator read model, one row per checkout.
--
-- Not Orleans state: a projection the checkout grain keeps up to date after each persisted transition, so that
-- operators can search across checkouts (GET /ops/checkouts, GET /ops/stats) without activating grains. The grain
-- state stays the source of truth; this table may lag and is rebuilt from it when a grain finds its row stale.
--
-- Writes are version-guarded so the row never goes backwards, whatever order concurrent or retried writes arrive in:
--   INSERT INTO checkout_index (...) VALUES (...)
--   ON CONFLICT (service_id, merchant_id, reference_no) DO UPDATE SET ... = excluded....
--   WHERE checkout_index.version < excluded.version
--
-- service_id leads the key as in the Orleans tables: two deployments sharing a database never see each other's rows.
-- Every operator query starts with service_id = @ServiceId, so every index below leads with it too.
-- Pagination is keyset on (created_at, merchant_id, reference_no), newest first; B-tree indexes are read backwards
-- for DESC, so they are declared ascending.

CREATE TABLE IF NOT EXISTS checkout_index
(
    service_id         text COLLATE "C" NOT NULL,
    merchant_id        text COLLATE "C" NOT NULL,
    reference_no       text COLLATE "C" NOT NULL,
    -- CheckoutStatus by name (Created, Registered, Notified, Confirmed, Expired, ...): readable in SQL and stable
    -- in the API; enum names are part of the public contract anyway.
    status             text             NOT NULL,
    -- StoreNetwork by name (Indomaret, Alfamart).
    store              text             NOT NULL,
    -- Whole rupiah.
    amount             bigint           NOT NULL,
    payment_code       text COLLATE "C" NULL,
    -- NICEPAY's tXid.
    transaction_id     text COLLATE "C" NULL,
    created_at         timestamptz      NOT NULL,
    updated_at         timestamptz      NOT NULL,
    -- The checkout's own version (one per journaled transition): the guard against going backwards.
    version            integer          NOT NULL,
    requires_attention boolean          NOT NULL DEFAULT false,
    CONSTRAINT checkout_index_pkey PRIMARY KEY (service_id, merchant_id, reference_no),
    CONSTRAINT checkout_index_amount_check CHECK (amount >= 0),
    CONSTRAINT checkout_index_version_check CHECK (version >= 0)
);

COMMENT ON TABLE checkout_index IS
    'Operator read model: one row per checkout, version-guarded projection of the checkout grain state.';

-- A merchant's checkouts in one status, newest first (keyset: created_at, reference_no within the merchant).
CREATE INDEX IF NOT EXISTS checkout_index_merchant_status_created_ix
    ON checkout_index (service_id, merchant_id, status, created_at, reference_no);

-- A merchant's checkouts in any status, newest first.
CREATE INDEX IF NOT EXISTS checkout_index_merchant_created_ix
    ON checkout_index (service_id, merchant_id, created_at, reference_no);

-- One status across merchants, newest first; also answers GET /ops/stats (count per status) from the index alone.
CREATE INDEX IF NOT EXISTS checkout_index_status_created_ix
    ON checkout_index (service_id, status, created_at, merchant_id, reference_no);

-- Everything, newest first, and created-range filters.
CREATE INDEX IF NOT EXISTS checkout_index_created_ix
    ON checkout_index (service_id, created_at, merchant_id, reference_no);

-- Exact look-ups by what a customer or NICEPAY quotes. Partial: rows without one yet are not indexed.
CREATE INDEX IF NOT EXISTS checkout_index_payment_code_ix
    ON checkout_index (service_id, payment_code) WHERE payment_code IS NOT NULL;

CREATE INDEX IF NOT EXISTS checkout_index_transaction_id_ix
    ON checkout_index (service_id, transaction_id) WHERE transaction_id IS NOT NULL;

-- The operators' to-do list: few rows, so a small partial index.
CREATE INDEX IF NOT EXISTS checkout_index_attention_ix
    ON checkout_index (service_id, created_at) WHERE requires_attention;
