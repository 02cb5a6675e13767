-- The foundation: places, accounts, parcels with their history, planning
-- layers and occupations. Every geometry is CGCS2000 lon/lat (EPSG:4490),
-- constrained to one SRID, valid, and covered by a GiST index.

CREATE EXTENSION IF NOT EXISTS postgis;

-- Places ---------------------------------------------------------------------

CREATE TABLE district (
  code text PRIMARY KEY,
  name text NOT NULL,
  geom geometry(MultiPolygon, 4490) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX district_geom_gist ON district USING gist (geom);

CREATE TABLE towns (
  code text PRIMARY KEY CHECK (code ~ '^370215[0-9]{3}$'),
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('street', 'town', 'functional_area')),
  geom geometry(MultiPolygon, 4490) CHECK (ST_IsValid(geom))
);
CREATE INDEX towns_geom_gist ON towns USING gist (geom);

CREATE TABLE villages (
  code text PRIMARY KEY CHECK (code ~ '^370215[0-9]{6}$'),
  name text NOT NULL,
  town text NOT NULL REFERENCES towns (code),
  kind text,
  geom geometry(MultiPolygon, 4490) CHECK (ST_IsValid(geom)),
  UNIQUE (town, name)
);
CREATE INDEX villages_town ON villages (town);
CREATE INDEX villages_geom_gist ON villages USING gist (geom);

-- Accounts -------------------------------------------------------------------

CREATE TABLE users (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.-]{2,64}$'),
  display_name text,
  -- scrypt$N$r$p$salt$hash, see server/src/auth/password.ts
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'analyst', 'town_editor', 'viewer')),
  town text REFERENCES towns (code),
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz,
  -- A town editor is bound to exactly one town; the district roles to none.
  CHECK ((role = 'town_editor') = (town IS NOT NULL))
);

-- The cookie holds a random token; only its SHA-256 is stored, so a copy of
-- the database does not hand out live sessions.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  user_id integer NOT NULL REFERENCES users (id),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);

-- Sign-in attempts, kept in the database so every server process sees the
-- same count when rate-limiting.
CREATE TABLE login_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL,
  ip text NOT NULL,
  ok boolean NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_username_at ON login_attempts (username, at);
CREATE INDEX login_attempts_ip_at ON login_attempts (ip, at);

-- Parcels --------------------------------------------------------------------

CREATE TABLE parcels (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text NOT NULL DEFAULT '',
  town text NOT NULL REFERENCES towns (code),
  village text REFERENCES villages (code),
  category text NOT NULL
    CHECK (category IN ('idle_industrial', 'collective_construction', 'intensive_use')),
  subtype text,
  status text NOT NULL DEFAULT 'registered'
    CHECK (status IN ('registered', 'publicized', 'recovering', 'recovered', 'reused')),
  problems text[] NOT NULL DEFAULT '{}'
    CHECK (problems <@ ARRAY['encroachment', 'contract', 'environment']),
  ownership text,
  declared_area_mu double precision CHECK (declared_area_mu >= 0),
  location text,
  intended_use text,
  -- Columns of imported files that have no parcel property of their own.
  attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  geom geometry(MultiPolygon, 4490) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
  -- Official area: ellipsoidal, on the CGCS2000 ellipsoid (geography of SRID
  -- 4490), in m². Kept by parcels_before_write.
  area_m2 double precision NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by integer REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer REFERENCES users (id),
  deleted_at timestamptz,
  deleted_by integer REFERENCES users (id)
);
-- A code is unique among live parcels; a deleted parcel keeps its code.
CREATE UNIQUE INDEX parcels_code_live ON parcels (code) WHERE deleted_at IS NULL;
CREATE INDEX parcels_geom_gist ON parcels USING gist (geom);
CREATE INDEX parcels_town ON parcels (town);
CREATE INDEX parcels_village ON parcels (village);

-- Every version of every parcel, written by the trigger below, so no code path
-- can change a parcel without leaving its history.
CREATE TABLE parcel_versions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parcel_id integer NOT NULL REFERENCES parcels (id),
  version integer NOT NULL,
  action text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
  changed_by integer REFERENCES users (id),
  changed_at timestamptz NOT NULL DEFAULT now(),
  changed_fields text[] NOT NULL,
  note text,
  before jsonb,
  after jsonb NOT NULL,
  UNIQUE (parcel_id, version)
);

-- A parcel as a JSON document: its editable properties and its geometry
-- (GeoJSON, 9 decimals: 0.1 mm). Used for the history.
CREATE FUNCTION parcel_document(p parcels) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
    'code', p.code, 'name', p.name, 'town', p.town, 'village', p.village,
    'category', p.category, 'subtype', p.subtype, 'status', p.status,
    'problems', to_jsonb(p.problems), 'ownership', p.ownership,
    'declared_area_mu', p.declared_area_mu, 'location', p.location,
    'intended_use', p.intended_use, 'attributes', p.attributes,
    'area_m2', p.area_m2, 'deleted', p.deleted_at IS NOT NULL,
    'geometry', ST_AsGeoJSON(p.geom, 9)::jsonb)
$$;

-- The acting user and an optional note travel as transaction-local settings
-- (set_config(..., true)), set by server/src/parcels/store.ts.
CREATE FUNCTION acting_user() RETURNS integer
LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('jiyuan.user_id', true), '')::integer
$$;

CREATE FUNCTION parcels_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.area_m2 := ST_Area(NEW.geom::geography);
  IF TG_OP = 'INSERT' THEN
    NEW.version := 1;
    NEW.created_by := coalesce(NEW.created_by, acting_user());
    NEW.updated_by := NEW.created_by;
    NEW.updated_at := now();
  ELSE
    NEW.version := OLD.version + 1;
    NEW.created_at := OLD.created_at;
    NEW.created_by := OLD.created_by;
    NEW.updated_by := acting_user();
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER parcels_before_write
BEFORE INSERT OR UPDATE ON parcels
FOR EACH ROW EXECUTE FUNCTION parcels_before_write();

CREATE FUNCTION parcels_after_write() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  before_doc jsonb;
  after_doc jsonb := parcel_document(NEW);
  what text := 'create';
  fields text[];
BEGIN
  IF TG_OP = 'UPDATE' THEN
    before_doc := parcel_document(OLD);
    what := CASE
      WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'delete'
      WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN 'restore'
      ELSE 'update' END;
  END IF;
  SELECT coalesce(array_agg(key ORDER BY key), '{}') INTO fields
  FROM (
    SELECT key FROM jsonb_each(after_doc) a
    WHERE before_doc IS NULL OR a.value IS DISTINCT FROM before_doc -> a.key
  ) changed;
  INSERT INTO parcel_versions
    (parcel_id, version, action, changed_by, changed_fields, note, before, after)
  VALUES
    (NEW.id, NEW.version, what, NEW.updated_by, fields,
     nullif(current_setting('jiyuan.change_note', true), ''), before_doc, after_doc);
  RETURN NULL;
END
$$;

CREATE TRIGGER parcels_after_write
AFTER INSERT OR UPDATE ON parcels
FOR EACH ROW EXECUTE FUNCTION parcels_after_write();

-- Planning layers ------------------------------------------------------------

CREATE TABLE planning_layers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  kind text NOT NULL,
  -- Replacing a layer's zones raises its version; older zones stay, marked
  -- with the version they belonged to.
  version integer NOT NULL DEFAULT 1,
  source text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);

CREATE TABLE zones (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer_id integer NOT NULL REFERENCES planning_layers (id),
  layer_version integer NOT NULL,
  class text NOT NULL,
  name text,
  code text,
  attributes jsonb NOT NULL DEFAULT '{}',
  -- Zones are areas; roads and river centre lines are lines with a class
  -- (road_class for roads) from which control zones are derived.
  geom geometry(Geometry, 4490) NOT NULL
    CHECK (ST_IsValid(geom) AND GeometryType(geom) IN ('MULTIPOLYGON', 'MULTILINESTRING'))
);
CREATE INDEX zones_layer ON zones (layer_id, layer_version);
CREATE INDEX zones_geom_gist ON zones USING gist (geom);

-- Occupations ----------------------------------------------------------------

-- Surveyed structures and uses on the ground (buildings, sheds, fences,
-- piles, cultivation) that may intrude into parcels or control zones.
CREATE TABLE occupations (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL,
  kind text NOT NULL,
  description text,
  surveyed_at date,
  attributes jsonb NOT NULL DEFAULT '{}',
  geom geometry(MultiPolygon, 4490) NOT NULL CHECK (ST_IsValid(geom)),
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX occupations_code_live ON occupations (code) WHERE deleted_at IS NULL;
CREATE INDEX occupations_geom_gist ON occupations USING gist (geom);
