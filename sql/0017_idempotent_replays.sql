-- A retried request with an Idempotency-Key gets the first answer again, headers and all: its
-- ETag, Location, Content-Type and Content-Language beside the status and the body.
ALTER TABLE shebao.idempotency_key ADD COLUMN response_headers jsonb
    CHECK (response_headers IS NULL OR jsonb_typeof(response_headers) = 'array');
