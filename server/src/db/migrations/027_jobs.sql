-- Background jobs: work that outlives the request that asked for it (a check
-- run over a town or the district). Kept here rather than in a server
-- process, so that any process serving this database can take a job, and a
-- job whose process died is taken over or given up with a reason instead of
-- staying "running". See server/src/jobs/.
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- what to do: check_run
  kind text NOT NULL CHECK (kind ~ '^[a-z][a-z_]{0,63}$'),
  -- what it works on, e.g. the check run's id
  ref bigint NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- times a process took it; more than max_attempts means its processes kept dying
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 2 CHECK (max_attempts >= 1),
  -- the process holding it (host:pid:nonce) and until when; the holder renews
  -- the lease while it works, so a lapsed lease means the holder is gone
  locked_by text,
  lease_until timestamptz,
  heartbeat_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  error text,
  UNIQUE (kind, ref)
);
-- what a worker looks at when it polls
CREATE INDEX jobs_open ON jobs (id) WHERE status IN ('queued', 'running');
