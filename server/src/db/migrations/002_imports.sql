-- Imports: every upload is recorded, stored or refused, with what was
-- detected in it; stored rows point back to the import that brought them.

CREATE TABLE imports (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_by integer REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  file_name text NOT NULL,
  file_bytes bigint NOT NULL,
  format text,
  -- parcels, occupations, or layer:<id>
  target text NOT NULL,
  layer_id integer REFERENCES planning_layers (id),
  mode text NOT NULL CHECK (mode IN ('atomic', 'partial')),
  make_valid boolean NOT NULL DEFAULT false,
  -- stored: the accepted features are in; rejected: nothing was stored
  status text NOT NULL CHECK (status IN ('stored', 'rejected')),
  source_srid integer,
  crs_source text,
  encoding text,
  encoding_source text,
  gcj02 boolean NOT NULL DEFAULT false,
  feature_count integer NOT NULL DEFAULT 0,
  accepted integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  repaired integer NOT NULL DEFAULT 0,
  -- { rejected: [{ index, code, message }], warnings: [...], mapping: {...} }
  report jsonb NOT NULL DEFAULT '{}',
  duration_ms integer
);
CREATE INDEX imports_created_at ON imports (created_at);

ALTER TABLE parcels ADD COLUMN import_id integer REFERENCES imports (id);
ALTER TABLE occupations ADD COLUMN import_id integer REFERENCES imports (id);
ALTER TABLE zones ADD COLUMN import_id integer REFERENCES imports (id);
