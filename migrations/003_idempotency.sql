-- Idempotency keys of writes from the field: a report or a track upload retried after a timeout,
-- with the same Idempotency-Key header, answers with what the first attempt created instead of
-- creating it again. A key belongs to its user and its kind of write.
CREATE TABLE idempotency_keys (
  user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scope       text NOT NULL CHECK (scope IN ('incident', 'patrol')),
  key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  resource_id integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, scope, key)
);
