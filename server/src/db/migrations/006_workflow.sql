-- The programme's workflow: a parcel moves registered → publicized →
-- recovering → recovered → reused one proposed and confirmed step at a time,
-- with the decision behind each step; objections received during the public
-- notice are recorded against the parcel and answered.

-- Roles ----------------------------------------------------------------------

-- town_approver (镇街审核人): bound to one town like a town editor, and may
-- confirm the steps others propose there.
ALTER TABLE users DROP CONSTRAINT users_role_check, DROP CONSTRAINT users_check;
ALTER TABLE users
  ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'analyst', 'town_editor', 'town_approver', 'viewer')),
  ADD CONSTRAINT users_town_check CHECK ((role IN ('town_editor', 'town_approver')) = (town IS NOT NULL));

-- Steps ----------------------------------------------------------------------

-- One row per proposed step. The parcel's status changes only when a step is
-- confirmed, by an UPDATE of parcels, so the parcel's history has it too.
CREATE TABLE parcel_transitions (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parcel_id integer NOT NULL REFERENCES parcels (id),
  from_status text NOT NULL
    CHECK (from_status IN ('registered', 'publicized', 'recovering', 'recovered', 'reused')),
  to_status text NOT NULL
    CHECK (to_status IN ('registered', 'publicized', 'recovering', 'recovered', 'reused')),
  state text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'confirmed', 'rejected', 'withdrawn')),
  -- the decision behind the step: 会议决议 (its title) and/or 批准文号, and its date
  document text,
  document_number text,
  document_date date NOT NULL,
  -- 清收方式, and for 重新发包 how it is held (招标, 拍卖, 公开协商)
  method text CHECK (method IN ('take_back', 're_tender', 'regularise_contract', 'collect_arrears', 'clear_structures')),
  procedure text CHECK (procedure IN ('tender', 'auction', 'open_negotiation')),
  -- 盘活方式 and the use (民宿, 仓储 …)
  reuse_mode text CHECK (reuse_mode IN ('self_operate', 'lease', 'shares', 'joint_operation')),
  reuse_use text,
  -- the public notice a parcel is posted in
  notice_id integer REFERENCES notices (id),
  note text,
  -- the parcel's version when proposed
  parcel_version integer NOT NULL,
  proposed_by integer NOT NULL REFERENCES users (id),
  proposed_at timestamptz NOT NULL DEFAULT now(),
  -- who confirmed, rejected or withdrew it, when, with the approval number (批准文号) and a note
  decided_by integer REFERENCES users (id),
  decided_at timestamptz,
  approval_number text,
  decision_note text,
  -- the parcel version the confirmation wrote
  confirmed_version integer,
  CHECK ((state = 'proposed') = (decided_at IS NULL)),
  CHECK ((decided_at IS NULL) = (decided_by IS NULL)),
  CHECK ((state = 'confirmed') = (confirmed_version IS NOT NULL)),
  -- four eyes: nobody confirms or rejects their own proposal
  CHECK (state NOT IN ('confirmed', 'rejected') OR decided_by <> proposed_by),
  CHECK (procedure IS NULL OR method = 're_tender'),
  CHECK (document IS NOT NULL OR document_number IS NOT NULL OR note IS NOT NULL)
);
-- At most one open proposal per parcel.
CREATE UNIQUE INDEX parcel_transitions_open ON parcel_transitions (parcel_id) WHERE state = 'proposed';
CREATE INDEX parcel_transitions_parcel ON parcel_transitions (parcel_id, id);

-- Objections (异议) ------------------------------------------------------------

CREATE TABLE parcel_objections (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parcel_id integer NOT NULL REFERENCES parcels (id),
  -- the notice the objection is about, when the parcel had one
  notice_id integer REFERENCES notices (id),
  received_on date NOT NULL,
  channel text NOT NULL CHECK (channel IN ('in_person', 'phone', 'letter', 'online', 'posting')),
  -- who objected, as they gave it; may be left out (anonymous)
  objector text,
  content text NOT NULL CHECK (length(btrim(content)) > 0),
  recorded_by integer NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- the answer: what, how, on which day, what it found, who recorded it
  answer text,
  answer_method text CHECK (answer_method IN ('in_person', 'phone', 'letter', 'online', 'posting')),
  answered_on date,
  outcome text CHECK (outcome IN ('upheld', 'dismissed')),
  answered_by integer REFERENCES users (id),
  answered_at timestamptz,
  CHECK ((answer IS NULL) = (answered_at IS NULL)),
  CHECK (answer IS NULL OR (answer_method IS NOT NULL AND answered_on IS NOT NULL
                            AND outcome IS NOT NULL AND answered_by IS NOT NULL)),
  CHECK (answered_on IS NULL OR answered_on >= received_on)
);
CREATE INDEX parcel_objections_parcel ON parcel_objections (parcel_id, id);
