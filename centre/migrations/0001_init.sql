-- Enrolled devices: a token's SHA-256 (never the token), the app's device id and batch-signing key, revocation.
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    app_device_id TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    enrolled_at TEXT NOT NULL,
    revoked_at TEXT
);

-- One-time enrolment codes (their SHA-256), made by `pryiom-centre enrol`.
CREATE TABLE enrolment_codes (
    code_sha256 TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

-- Batches by idempotency key (the batch id): the primary key is what makes an upload count once, across every
-- server instance on one database. 'processing' while the first request for a key runs.
CREATE TABLE batches (
    batch_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    state TEXT NOT NULL,
    started_at TEXT NOT NULL,
    received_at TEXT,
    receipt TEXT
);

-- Every record the centre holds: the highest revision received for each (type, id).
CREATE TABLE records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    rev BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
