-- Checks: the severity rules and settings analysts tune, the runs with their
-- provenance and progress, the findings each run keeps, and the working
-- tables the engine prepares once per planning-layer version.
-- Geometry is CGCS2000 lon/lat (EPSG:4490) throughout.

-- Severity rules -------------------------------------------------------------

-- One row per (check kind, zone class, land category, intended use, occupation
-- kind); NULL in the last three means "any". The most specific matching row
-- decides: category and use > use > category > neither (server/src/checks/rules.ts).
CREATE TABLE check_rules (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('overlap', 'encroachment')),
  -- overlap: a planning zone class; encroachment: parcel, road_control or river_area
  zone_class text NOT NULL CHECK (zone_class ~ '^[a-z][a-z0-9_]{0,63}$'),
  category text CHECK (category IN ('idle_industrial', 'collective_construction', 'intensive_use')),
  intended_use text,
  occupation_kind text,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'conflict')),
  basis_zh text NOT NULL,
  basis_en text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer REFERENCES users (id),
  CHECK (kind = 'overlap' OR (category IS NULL AND intended_use IS NULL)),
  CHECK (kind = 'encroachment' OR occupation_kind IS NULL)
);
CREATE UNIQUE INDEX check_rules_key ON check_rules
  (kind, zone_class, coalesce(category, ''), coalesce(intended_use, ''), coalesce(occupation_kind, ''));

-- The defaults follow DOMAIN.md: construction inside 永久基本农田, 生态保护红线,
-- 河道管理范围 or a road building-control zone is a conflict; inside 城镇开发边界
-- or village construction land it is not.
WITH construction (intended_use) AS (
  VALUES ('residential'), ('industrial'), ('commercial'), ('public'), ('tourism')
)
INSERT INTO check_rules (kind, zone_class, category, intended_use, occupation_kind, severity, basis_zh, basis_en)
SELECT 'overlap', zone_class, category, intended_use, NULL, severity, basis_zh, basis_en FROM (
  VALUES
  ('basic_farmland', NULL, NULL, 'warning',
   '永久基本农田经依法划定后，任何单位和个人不得擅自占用或者改变其用途（《土地管理法》第三十五条），需核实用途',
   'Permanent basic farmland may not be occupied or put to another use (Land Administration Law, art. 35); verify the use'),
  ('basic_farmland', NULL, 'agriculture', 'info',
   '农业种植符合永久基本农田用途',
   'Farming is the designated use of permanent basic farmland'),
  ('basic_farmland', NULL, 'ecology', 'warning',
   '不得占用永久基本农田植树造林、挖塘养鱼（自然资规〔2019〕1号）',
   'Permanent basic farmland may not be used for tree planting or fish ponds (MNR rule 2019 No. 1)'),
  ('basic_farmland', 'collective_construction', NULL, 'conflict',
   '集体建设用地与永久基本农田重叠，属用地冲突，需核实或复垦',
   'Collective construction land overlaps permanent basic farmland: a land-use conflict to verify or reclaim'),
  ('basic_farmland', 'idle_industrial', NULL, 'conflict',
   '工业用地与永久基本农田重叠，属用地冲突，需核实或复垦',
   'Industrial land overlaps permanent basic farmland: a land-use conflict to verify or reclaim'),
  ('basic_farmland', 'collective_construction', 'agriculture', 'info',
   '复垦为耕地，符合永久基本农田用途',
   'Reclaimed for farming, the designated use of permanent basic farmland'),
  ('basic_farmland', 'idle_industrial', 'agriculture', 'info',
   '复垦为耕地，符合永久基本农田用途',
   'Reclaimed for farming, the designated use of permanent basic farmland'),
  ('ecological_redline', NULL, NULL, 'warning',
   '生态保护红线内原则上禁止开发性、生产性建设活动，仅允许有限人为活动（《关于在国土空间规划中统筹划定落实三条控制线的指导意见》）',
   'Inside the ecological red line development and production are in principle forbidden; only limited human activity is allowed (guideline on the three control lines, 2019)'),
  ('ecological_redline', NULL, 'ecology', 'info',
   '生态保护修复符合生态保护红线管控要求',
   'Ecological restoration is allowed inside the ecological red line'),
  ('urban_boundary', NULL, NULL, 'info',
   '城镇开发边界内可依规划开展城镇开发建设',
   'Inside the urban development boundary, development follows the plan'),
  ('village_construction', NULL, NULL, 'info',
   '村庄建设用地范围内可依村庄规划建设',
   'Inside village construction land, building follows the village plan'),
  ('river_area', NULL, NULL, 'warning',
   '河道管理范围内的活动须经水行政主管部门同意（《河道管理条例》）',
   'Activities inside a river management area need the water authority''s consent (River Course Regulations)'),
  ('river_area', NULL, 'agriculture', 'warning',
   '禁止在河道管理范围内种植阻碍行洪的林木和高秆作物（《河道管理条例》第二十五条）',
   'Trees and tall crops that obstruct flood flow are forbidden inside a river management area (River Course Regulations, art. 25)'),
  ('river_area', NULL, 'ecology', 'info',
   '河道生态修复符合河道管理要求',
   'River restoration is allowed inside a river management area'),
  ('road_control', NULL, NULL, 'info',
   '公路建筑控制区内可保留非建设用途',
   'Uses without construction may stay inside a road building-control zone'),
  ('sea_area', NULL, NULL, 'warning',
   '使用海域须依法取得海域使用权（《海域使用管理法》第三条）',
   'Using sea area needs a sea-use right (Sea Area Use Law, art. 3)')
) AS r (zone_class, category, intended_use, severity, basis_zh, basis_en)
UNION ALL
SELECT 'overlap', zone_class, NULL, c.intended_use, NULL, 'conflict', basis_zh, basis_en
FROM construction c CROSS JOIN (
  VALUES
  ('basic_farmland',
   '建设用途占用永久基本农田：任何单位和个人不得擅自占用或者改变其用途（《土地管理法》第三十五条），禁止在永久基本农田内建房、建窑、堆放固体废弃物（《基本农田保护条例》第十七条）',
   'Construction on permanent basic farmland: it may not be occupied or put to another use (Land Administration Law, art. 35; Basic Farmland Protection Regulations, art. 17)'),
  ('ecological_redline',
   '建设用途位于生态保护红线内：原则上禁止开发性、生产性建设活动（《关于在国土空间规划中统筹划定落实三条控制线的指导意见》）',
   'Construction inside the ecological red line: development and production are in principle forbidden (guideline on the three control lines, 2019)'),
  ('river_area',
   '建设用途位于河道管理范围内：禁止修建妨碍行洪的建筑物、构筑物（《水法》第三十七条，《河道管理条例》第二十四条）',
   'Construction inside a river management area: buildings that obstruct flood flow are forbidden (Water Law, art. 37; River Course Regulations, art. 24)'),
  ('road_control',
   '建设用途位于公路建筑控制区内：除公路防护、养护需要外，禁止修建建筑物和地面构筑物（《公路法》第五十六条）',
   'Construction inside a road building-control zone: buildings and structures are forbidden except for road protection and upkeep (Highway Law, art. 56)'),
  ('sea_area',
   '建设用途位于海域：围填海须依法审批（《海域使用管理法》）',
   'Construction in sea area: land reclamation needs approval (Sea Area Use Law)')
) AS r (zone_class, basis_zh, basis_en)
UNION ALL
SELECT 'encroachment', zone_class, NULL, NULL, occupation_kind, severity, basis_zh, basis_en FROM (
  VALUES
  ('parcel', NULL, 'conflict',
   '侵占集体资产资源，应予清收（即墨区农村公共资源共享行动方案“三类问题”）',
   'Encroachment on collective assets, to be recovered (the action plan''s three problems)'),
  ('road_control', NULL, 'conflict',
   '除公路防护、养护需要外，禁止在公路建筑控制区内修建建筑物和地面构筑物（《公路法》第五十六条）',
   'Buildings and structures are forbidden inside a road building-control zone (Highway Law, art. 56)'),
  ('road_control', 'pile', 'warning',
   '公路两侧乱堆乱放，破坏公共区域环境，应予清理',
   'Piles beside a road spoil the public space and are to be cleared'),
  ('road_control', 'cultivation', 'info',
   '公路建筑控制区内的种植不属建筑物，记录备查',
   'Cultivation inside a road building-control zone is not a structure; recorded'),
  ('river_area', NULL, 'conflict',
   '禁止在河道管理范围内建设妨碍行洪的建筑物、构筑物，弃置、堆放阻碍行洪的物体（《水法》第三十七条，《河道管理条例》第二十四条）',
   'Structures and piles that obstruct flood flow are forbidden inside a river management area (Water Law, art. 37; River Course Regulations, art. 24)'),
  ('river_area', 'cultivation', 'warning',
   '禁止在河道管理范围内种植阻碍行洪的林木和高秆作物（《河道管理条例》第二十五条），需核实',
   'Trees and tall crops that obstruct flood flow are forbidden inside a river management area (River Course Regulations, art. 25); verify')
) AS r (zone_class, occupation_kind, severity, basis_zh, basis_en);

-- Settings -------------------------------------------------------------------

-- The district-wide defaults of every run parameter (server/src/checks/params.ts);
-- a run may override them and records the values it used.
CREATE TABLE check_settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer REFERENCES users (id)
);

-- Runs -----------------------------------------------------------------------

-- The job state lives here, not in a server's memory, so any server process
-- can report a run's progress.
CREATE TABLE check_runs (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- request: POST /api/checks; save: the re-check after a parcel is saved
  trigger text NOT NULL CHECK (trigger IN ('request', 'save')),
  kinds text[] NOT NULL
    CHECK (cardinality(kinds) > 0 AND kinds <@ ARRAY['overlap', 'encroachment', 'area', 'geometry']),
  scope text NOT NULL CHECK (scope IN ('district', 'town', 'village', 'parcels')),
  town text,
  village text,
  parcel_ids integer[],
  -- the effective parameters, defaults filled in
  params jsonb NOT NULL,
  -- the planning layers used: [{ id, name, kind, version }]
  layers jsonb NOT NULL DEFAULT '[]',
  -- package.json version and a digest of the check SQL
  code_version text NOT NULL,
  step text,
  parcels_total integer NOT NULL DEFAULT 0,
  parcels_done integer NOT NULL DEFAULT 0,
  occupations_total integer NOT NULL DEFAULT 0,
  occupations_done integer NOT NULL DEFAULT 0,
  findings integer NOT NULL DEFAULT 0,
  -- findings by kind and severity, written when the run is done
  counts jsonb NOT NULL DEFAULT '{}',
  -- milliseconds spent in each step
  timings jsonb NOT NULL DEFAULT '{}',
  error text,
  created_by integer REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  -- touched after every batch; a running run without a heartbeat for long died with its process
  heartbeat_at timestamptz,
  duration_ms integer
);
CREATE INDEX check_runs_created ON check_runs (created_at);
-- the runs of a saved parcel, and the few area-wide runs, for a parcel's latest findings
CREATE INDEX check_runs_parcels ON check_runs USING gin (parcel_ids) WHERE scope = 'parcels';
CREATE INDEX check_runs_areas ON check_runs (finished_at) WHERE scope <> 'parcels';

-- Findings -------------------------------------------------------------------

-- What a run found, kept as found: the piece of ground, its area and the
-- rule. Runs, parcels, zones and occupations are referenced by id without
-- foreign keys: this is a record of the past, nothing it names is ever
-- hard-deleted, and a district run writes 100,000 rows that a key check per
-- row would slow down.
CREATE TABLE check_findings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('overlap', 'encroachment', 'area', 'geometry')),
  -- the finer reason, one of FINDING_CODES in server/src/checks/kinds.ts
  code text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'conflict')),
  parcel_id integer,
  parcel_version integer,
  other_parcel_id integer,
  occupation_id integer,
  layer_id integer,
  layer_version integer,
  zone_id integer,
  zone_class text,
  town text,
  village text,
  -- the piece's area: ellipsoidal on the CGCS2000 ellipsoid, m²
  area_m2 double precision,
  -- the piece's share of the parcel (or of the occupation), 0–1
  ratio double precision,
  rule_id integer,
  message_zh text NOT NULL,
  message_en text NOT NULL,
  -- the overlapping or intruding piece itself
  geom geometry(Geometry, 4490) CHECK (geom IS NULL OR ST_SRID(geom) = 4490)
);
CREATE INDEX check_findings_run ON check_findings (run_id, kind, severity);
CREATE INDEX check_findings_parcel ON check_findings (parcel_id, run_id);
CREATE INDEX check_findings_geom_gist ON check_findings USING gist (geom);

-- Derived layers -------------------------------------------------------------

-- Planning layers the engine derives, such as 公路建筑控制区 from the road
-- lines; the signature (source layer versions, distances) says when to rebuild.
CREATE TABLE check_derived_layers (
  layer_id integer PRIMARY KEY REFERENCES planning_layers (id),
  derivation text NOT NULL UNIQUE CHECK (derivation IN ('road_control')),
  signature jsonb NOT NULL,
  built_at timestamptz NOT NULL DEFAULT now()
);

-- Working tables -------------------------------------------------------------

-- Zones prepared once per layer version. Unlogged: after a crash they are
-- empty again, together with the list of what was prepared, and are rebuilt.

-- Per layer version and zone class: the zones dissolved (overlapping zones of
-- one class count once) and cut into pieces of at most 256 vertices.
CREATE UNLOGGED TABLE check_class_parts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer_id integer NOT NULL,
  layer_version integer NOT NULL,
  class text NOT NULL,
  geom geometry(Polygon, 4490) NOT NULL
);
CREATE INDEX check_class_parts_layer ON check_class_parts (layer_id, layer_version);
CREATE INDEX check_class_parts_geom_gist ON check_class_parts USING gist (geom);

-- Per zone, for the zones occupations are checked against one by one
-- (road building-control zones and river management areas).
CREATE UNLOGGED TABLE check_zone_parts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer_id integer NOT NULL,
  layer_version integer NOT NULL,
  zone_id integer NOT NULL,
  class text NOT NULL,
  geom geometry(Polygon, 4490) NOT NULL
);
CREATE INDEX check_zone_parts_layer ON check_zone_parts (layer_id, layer_version);
CREATE INDEX check_zone_parts_geom_gist ON check_zone_parts USING gist (geom);

CREATE UNLOGGED TABLE check_prepared_layers (
  layer_id integer NOT NULL,
  layer_version integer NOT NULL,
  class_parts integer NOT NULL,
  zone_parts integer NOT NULL,
  built_at timestamptz NOT NULL DEFAULT now(),
  build_ms integer NOT NULL,
  PRIMARY KEY (layer_id, layer_version)
);

-- Parcel × zone-piece pairs of a run, without geometry: the first step of the
-- overlap check writes them, the second turns them into findings per batch.
CREATE UNLOGGED TABLE check_pairs (
  run_id integer NOT NULL,
  -- the batch of step two that takes the parcel
  batch integer NOT NULL,
  parcel_id integer NOT NULL,
  layer_id integer NOT NULL,
  class text NOT NULL,
  part_id bigint NOT NULL,
  -- the part covers the whole parcel: the piece is the parcel itself
  whole boolean NOT NULL
);
CREATE INDEX check_pairs_batch ON check_pairs (run_id, batch);
