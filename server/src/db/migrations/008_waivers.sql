-- Waivers (豁免) of check findings: granted on one finding with an approval
-- number (批准文号), the approver and the date. A run finds the same thing
-- again as a new row; the waiver holds for every later finding of the same
-- thing, so a re-run or a change of name or stage keeps it, while a piece that
-- grew or shrank, or a new version of the planning layer, asks for a new
-- approval.

-- What makes two findings the same thing: kind and code, the parcel and the
-- other parcel or occupation, the planning layer's version and zone, and the
-- piece's area to the m² (for an area check, the difference of the areas).
-- Empty strings keep each part in its place (concat_ws would drop NULLs and
-- let two keys collide).
CREATE FUNCTION finding_key(f check_findings) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT concat_ws('|', f.kind, f.code,
    coalesce(f.parcel_id::text, ''), coalesce(round(f.area_m2)::text, ''),
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

-- The live waiver of a finding as the API shows it beside the finding, or
-- NULL: one place for every query that returns findings.
CREATE FUNCTION finding_waiver(f check_findings) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', w.id, 'finding_id', w.finding_id, 'approval_number', w.approval_number, 'approver', w.approver,
    'approved_on', to_char(w.approved_on, 'YYYY-MM-DD'), 'reason', w.reason,
    'recorded_by', u.username, 'recorded_at', w.recorded_at)
  FROM finding_waivers w LEFT JOIN users u ON u.id = w.recorded_by
  WHERE w.finding_key = finding_key(f) AND w.revoked_at IS NULL
$$;
