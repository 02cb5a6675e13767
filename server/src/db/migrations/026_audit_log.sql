-- The audit log: every write request and every sign-in attempt, who made it,
-- when, from where, on what, and how it ended. Written by server/src/audit/:
-- a request's row goes into its first committed transaction (so a committed
-- write is never without its row), and is completed with the HTTP status
-- before the answer leaves. Bodies are never kept: no password, token or
-- session id can end up here.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  -- the signed-in user; for a sign-in attempt, the user whose name was tried, if any
  user_id integer,
  -- the signed-in user's name, or the name tried at sign-in
  username text,
  via text CHECK (via IN ('session', 'token')),
  ip text,
  -- the resource area: parcels, imports, checks, users, tokens, session, ogc …
  kind text NOT NULL,
  -- sign_in, or the method and route, e.g. "PATCH /api/parcels/:id"
  action text NOT NULL,
  method text NOT NULL,
  -- the request path without its query string
  path text NOT NULL,
  -- what was acted on, e.g. parcel:153, village:370215102001
  target text,
  -- the HTTP status; NULL while the answer is still being written
  status integer,
  -- ok (2xx/3xx), refused (4xx), failed (5xx), aborted (the client went away),
  -- committed (written by its transaction; the answer never went out)
  outcome text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed', 'aborted', 'committed')),
  -- the error code of a refusal, or why a sign-in was refused
  code text,
  duration_ms integer
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_username_at ON audit_log (username, at);
CREATE INDEX audit_log_kind_at ON audit_log (kind, at);
CREATE INDEX audit_log_target ON audit_log (target) WHERE target IS NOT NULL;
