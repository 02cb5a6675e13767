-- Waivers (豁免) of check findings: granted on one finding with an approval
-- number (批准文号), the approver and the date. A run finds the same thing
-- again as a new row; the waiver holds for every finding of the same thing on
-- the same parcel version and planning-layer version, so a district re-run
-- keeps it and a changed parcel or plan asks for a new approval.

-- What makes two findings the same thing. Empty strings keep each part in its
-- place (concat_ws would drop NULLs and let two keys collide).
CREATE FUNCTION finding_key(f check_findings) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT concat_ws('|', f.kind, f.code,
    coalesce(f.parcel_id::text, ''), coalesce(f.parcel_version::text, ''),
    coalesce(f.other_parcel_id::text, ''), coalesce(f.occupation_id::text, ''),
    coalesce(f.layer_id::text, ''), coalesce(f.layer_version::text, ''),
    coalesce(f.zone_id::text, ''), coalesce(f.zone_class, ''))
$$;

CREATE TABLE finding_waivers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the finding it was granted on, and the key of what it covers
  finding_id bigint NOT NULL,
  finding_key text NOT NULL,
  parcel_id integer,
  town text,
  village text,
  approval_number text NOT NULL CHECK (length(btrim(approval_number)) > 0),
  -- who approved it (a person and office, as written on the approval)
  approver text NOT NULL CHECK (length(btrim(approver)) > 0),
  approved_on date NOT NULL,
  reason text NOT NULL CHECK (length(btrim(reason)) > 0),
  recorded_by integer NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_by integer REFERENCES users (id),
  revoke_reason text,
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
-- One live waiver per thing found.
CREATE UNIQUE INDEX finding_waivers_live ON finding_waivers (finding_key) WHERE revoked_at IS NULL;
CREATE INDEX finding_waivers_parcel ON finding_waivers (parcel_id);
