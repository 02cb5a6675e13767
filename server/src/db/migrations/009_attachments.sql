-- Attachments of a parcel: survey and notice photos, meeting minutes,
-- scanned contracts (档案). The bytes live in the database, so a backup of
-- the database (pg_dump, or the embedded data directory) keeps them.

CREATE TABLE attachments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parcel_id integer NOT NULL REFERENCES parcels (id),
  -- a scanned contract may name the contract it is
  contract_id integer REFERENCES contracts (id),
  kind text NOT NULL CHECK (kind IN ('survey_photo', 'notice_photo', 'minutes', 'contract', 'other')),
  file_name text NOT NULL,
  -- from the file's first bytes, not from its name or the client's word
  media_type text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL CHECK (octet_length(content) = size_bytes),
  note text,
  created_by integer NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  deleted_by integer REFERENCES users (id)
);
CREATE INDEX attachments_parcel ON attachments (parcel_id);

-- JPEG, PNG and PDF are compressed already: store them out of line without
-- trying to compress them again.
ALTER TABLE attachments ALTER COLUMN content SET STORAGE EXTERNAL;
