-- Reports: the working-day calendar the public notice (公示) counts on, and
-- the notices themselves with a snapshot of what each one lists, so the
-- public page shows exactly what was posted even after the parcels change.

-- Days that break the Monday–Friday rule: public holidays (法定节假日) and
-- the weekend days worked in exchange (调休上班日), as the State Council
-- publishes them each year. Weekends not listed here are days off.
CREATE TABLE calendar_days (
  day date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer REFERENCES users (id)
);

CREATE TABLE notices (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the random part of the public address; 24 bytes base64url
  token text NOT NULL UNIQUE CHECK (token ~ '^[A-Za-z0-9_-]{32}$'),
  town text NOT NULL REFERENCES towns (code),
  village text NOT NULL REFERENCES villages (code),
  posted_on date NOT NULL,
  -- the 5th working day counted from posted_on (server/src/reports/working-days.ts)
  ends_on date NOT NULL CHECK (ends_on >= posted_on),
  working_days integer NOT NULL CHECK (working_days > 0),
  -- 监督投诉渠道: where objections go (office, telephone, address)
  objections_to text NOT NULL,
  -- the listed parcels as posted: code, name, category, areas, 四至 …, and
  -- their outlines (GeoJSON, EPSG:4490) for the public map
  parcels jsonb NOT NULL CHECK (jsonb_typeof(parcels) = 'array'),
  village_outline jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by integer REFERENCES users (id),
  withdrawn_at timestamptz
);
CREATE INDEX notices_village ON notices (village);
