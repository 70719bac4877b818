-- The kiosk's live queue. A kiosk's queue-only token (its SHA-256): it sends tickets and learns which were called.
ALTER TABLE devices ADD COLUMN queue_token_sha256 TEXT;
CREATE UNIQUE INDEX devices_queue_token ON devices (queue_token_sha256);

-- Every kiosk's tickets as the kiosk sent them (`ticket`: the app's JSON, the visitor's name and phone sealed in it),
-- with what the queue is read by: the day, the state's name (what "call next" changes only if still 'waiting'), when
-- called.
CREATE TABLE queue_tickets (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    day TEXT NOT NULL,
    number BIGINT NOT NULL,
    state TEXT NOT NULL,
    called_at TEXT,
    ticket TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX queue_tickets_day ON queue_tickets (day, state);

-- The rooms a kiosk calls visitors to (its settings, JSON), so staff devices choose among them.
ALTER TABLE devices ADD COLUMN kiosk_desks TEXT;
