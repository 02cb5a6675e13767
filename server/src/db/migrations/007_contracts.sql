-- Contracts on a parcel (承包、租赁合同): the contractor, the term, the
-- annual fee and the payments, with the problems DOMAIN.md lists. Amounts are
-- 元 with two decimals (numeric, so 0.1 + 0.2 is 0.3). Arrears are computed
-- from these rows (server/src/contracts/arrears.ts), never stored.

CREATE TABLE contracts (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parcel_id integer NOT NULL REFERENCES parcels (id),
  -- 合同编号, as the village writes it
  number text,
  contractor text NOT NULL CHECK (length(btrim(contractor)) > 0),
  start_on date NOT NULL,
  -- NULL: no end agreed (an oral contract, say)
  end_on date CHECK (end_on >= start_on),
  -- ended early (解除、终止): nothing falls due after this day
  terminated_on date CHECK (terminated_on >= start_on),
  annual_fee_yuan numeric(14, 2) NOT NULL CHECK (annual_fee_yuan >= 0),
  -- each contract year's fee falls due on its first day (in_advance, 先交后用)
  -- or on its last (in_arrears)
  payment_timing text NOT NULL DEFAULT 'in_advance' CHECK (payment_timing IN ('in_advance', 'in_arrears')),
  problems text[] NOT NULL DEFAULT '{}'
    CHECK (problems <@ ARRAY['oral', 'irregular_procedure', 'unfair_price', 'illegal_use_change', 'overdue']),
  note text,
  version integer NOT NULL DEFAULT 1,
  created_by integer REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  deleted_by integer REFERENCES users (id)
);
CREATE INDEX contracts_parcel ON contracts (parcel_id);

CREATE TABLE contract_payments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  contract_id integer NOT NULL REFERENCES contracts (id),
  paid_on date NOT NULL,
  amount_yuan numeric(14, 2) NOT NULL CHECK (amount_yuan > 0),
  -- 收据号
  receipt_number text,
  note text,
  recorded_by integer NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- a payment entered by mistake is struck out, not erased
  deleted_at timestamptz,
  deleted_by integer REFERENCES users (id)
);
CREATE INDEX contract_payments_contract ON contract_payments (contract_id);

-- Every version of every contract, written by the trigger below.
CREATE TABLE contract_versions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  contract_id integer NOT NULL REFERENCES contracts (id),
  version integer NOT NULL,
  changed_by integer REFERENCES users (id),
  changed_at timestamptz NOT NULL DEFAULT now(),
  before jsonb,
  after jsonb NOT NULL,
  UNIQUE (contract_id, version)
);

CREATE FUNCTION contract_document(c contracts) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
    'number', c.number, 'contractor', c.contractor, 'start_on', c.start_on, 'end_on', c.end_on,
    'terminated_on', c.terminated_on, 'annual_fee_yuan', c.annual_fee_yuan,
    'payment_timing', c.payment_timing, 'problems', to_jsonb(c.problems), 'note', c.note,
    'deleted', c.deleted_at IS NOT NULL)
$$;

CREATE FUNCTION contracts_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.version := 1;
    NEW.created_by := coalesce(NEW.created_by, acting_user());
    NEW.updated_by := NEW.created_by;
  ELSE
    NEW.version := OLD.version + 1;
    NEW.created_at := OLD.created_at;
    NEW.created_by := OLD.created_by;
    NEW.updated_by := acting_user();
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TRIGGER contracts_before_write
BEFORE INSERT OR UPDATE ON contracts
FOR EACH ROW EXECUTE FUNCTION contracts_before_write();

CREATE FUNCTION contracts_after_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contract_versions (contract_id, version, changed_by, before, after)
  VALUES (NEW.id, NEW.version, NEW.updated_by,
          CASE WHEN TG_OP = 'UPDATE' THEN contract_document(OLD) END, contract_document(NEW));
  RETURN NULL;
END
$$;

CREATE TRIGGER contracts_after_write
AFTER INSERT OR UPDATE ON contracts
FOR EACH ROW EXECUTE FUNCTION contracts_after_write();
