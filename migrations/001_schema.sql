-- Shanshui's data model (see ../shared/DESIGN.md). Geometry is stored in lon/lat (EPSG:4326);
-- every table whose distances or areas are computed also keeps a generated metric copy in
-- CGCS2000 / 3-degree Gauss-Krüger CM 120E (EPSG:4549), which covers all of Huzhou.

CREATE EXTENSION IF NOT EXISTS postgis;

-- Provinces and the districts/counties of Huzhou (real data, data/base).
CREATE TABLE boundaries (
  id          text PRIMARY KEY,
  level       text NOT NULL CHECK (level IN ('province', 'district')),
  adcode      integer UNIQUE,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  geom        geometry(MultiPolygon, 4326) NOT NULL,
  geom_m      geometry(MultiPolygon, 4549) GENERATED ALWAYS AS (ST_Transform(geom, 4549)) STORED
);
CREATE INDEX boundaries_geom_idx ON boundaries USING gist (geom);
CREATE INDEX boundaries_geom_m_idx ON boundaries USING gist (geom_m);

-- Every patrolled thing. Lines for rivers and roads, polygons for areas, points for small sites.
-- patrol_every_days is NULL for context features that nobody patrols (lakes beyond Huzhou).
CREATE TABLE places (
  id                text PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('river', 'lake', 'reservoir', 'forest', 'mine', 'market',
                                                  'road', 'project', 'scenic', 'water_source')),
  name_zh           text NOT NULL,
  name_en           text NOT NULL,
  district_code     integer,
  patrol_every_days integer CHECK (patrol_every_days > 0),
  properties        jsonb NOT NULL DEFAULT '{}',
  geom              geometry(Geometry, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
  geom_m            geometry(Geometry, 4549) GENERATED ALWAYS AS (ST_Transform(geom, 4549)) STORED
);
CREATE INDEX places_kind_idx ON places (kind);
CREATE INDEX places_district_idx ON places (district_code);
CREATE INDEX places_geom_idx ON places USING gist (geom);
CREATE INDEX places_geom_m_idx ON places USING gist (geom_m);

-- Co-governance stations (生态警务联动共治工作站). A jurisdiction may cross a province line.
CREATE TABLE stations (
  id             text PRIMARY KEY,
  name_zh        text NOT NULL,
  name_en        text NOT NULL,
  district_code  integer,
  agencies       text[] NOT NULL DEFAULT '{}',
  duty_hours     text NOT NULL DEFAULT '24h',
  cross_border   boolean NOT NULL DEFAULT false,
  provinces      text[] NOT NULL DEFAULT '{}',
  location       geometry(Point, 4326) NOT NULL,
  jurisdiction   geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(jurisdiction)),
  jurisdiction_m geometry(MultiPolygon, 4549) GENERATED ALWAYS AS (ST_Transform(jurisdiction, 4549)) STORED
);
CREATE INDEX stations_location_idx ON stations USING gist (location);
CREATE INDEX stations_jurisdiction_idx ON stations USING gist (jurisdiction);
CREATE INDEX stations_jurisdiction_m_idx ON stations USING gist (jurisdiction_m);

-- Eco-police chiefs (生态警长) and the places each answers for.
CREATE TABLE chiefs (
  id            text PRIMARY KEY,
  name_zh       text NOT NULL,
  name_en       text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('river', 'lake', 'reservoir', 'forest', 'mine', 'market',
                                              'road', 'project', 'scenic', 'water_source')),
  district_code integer,
  station_id    text REFERENCES stations (id) ON DELETE SET NULL,
  on_duty       boolean NOT NULL DEFAULT true,
  position      geometry(Point, 4326),
  position_m    geometry(Point, 4549) GENERATED ALWAYS AS (ST_Transform(position, 4549)) STORED,
  position_at   timestamptz
);
CREATE INDEX chiefs_district_idx ON chiefs (district_code);
CREATE INDEX chiefs_position_idx ON chiefs USING gist (position);
CREATE INDEX chiefs_position_m_idx ON chiefs USING gist (position_m);

CREATE TABLE chief_places (
  chief_id text NOT NULL REFERENCES chiefs (id) ON DELETE CASCADE,
  place_id text NOT NULL REFERENCES places (id) ON DELETE CASCADE,
  PRIMARY KEY (chief_id, place_id)
);
CREATE INDEX chief_places_place_idx ON chief_places (place_id);

-- Incidents and their audit trail. The timestamps on incidents are a convenience copy of the
-- events (for handling-time figures); incident_events is the record and is never updated.
CREATE TABLE incidents (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  category       text NOT NULL CHECK (category IN ('illegal_fishing', 'poaching', 'wildlife_trade', 'dumping',
                                                   'pollution', 'illegal_mining', 'illegal_logging',
                                                   'unsafe_camping', 'drowning_risk', 'food_safety')),
  severity       smallint NOT NULL DEFAULT 2 CHECK (severity BETWEEN 1 AND 3),
  source         text NOT NULL CHECK (source IN ('app', 'video', 'drone', 'hotline', 'patrol')),
  description    text NOT NULL DEFAULT '',
  status         text NOT NULL DEFAULT 'reported'
                 CHECK (status IN ('reported', 'dispatched', 'on_scene', 'resolved', 'closed', 'cancelled')),
  occurred_at    timestamptz NOT NULL,
  reported_at    timestamptz NOT NULL DEFAULT now(),
  dispatched_at  timestamptz,
  on_scene_at    timestamptz,
  resolved_at    timestamptz,
  closed_at      timestamptz,
  chief_id       text REFERENCES chiefs (id) ON DELETE SET NULL,
  district_code  integer,
  place_id       text REFERENCES places (id) ON DELETE SET NULL,
  geom           geometry(Point, 4326) NOT NULL,
  geom_m         geometry(Point, 4549) GENERATED ALWAYS AS (ST_Transform(geom, 4549)) STORED
);
CREATE INDEX incidents_occurred_idx ON incidents (occurred_at);
CREATE INDEX incidents_district_idx ON incidents (district_code, occurred_at);
CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);
CREATE INDEX incidents_geom_m_idx ON incidents USING gist (geom_m);

CREATE TABLE incident_events (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id integer NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  from_status text,
  to_status   text NOT NULL,
  chief_id    text REFERENCES chiefs (id) ON DELETE SET NULL,
  note        text NOT NULL DEFAULT ''
);
CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, at);

-- Patrols: actual GPS tracks and planned routes side by side. The track is a LineStringM whose
-- M value is the fix time in epoch seconds, so "where was the patrol at t" stays in the geometry.
CREATE TABLE patrols (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind          text NOT NULL DEFAULT 'actual' CHECK (kind IN ('actual', 'planned')),
  status        text NOT NULL DEFAULT 'closed' CHECK (status IN ('open', 'closed')),
  chief_id      text REFERENCES chiefs (id) ON DELETE SET NULL,
  station_id    text REFERENCES stations (id) ON DELETE SET NULL,
  district_code integer,
  started_at    timestamptz NOT NULL,
  ended_at      timestamptz NOT NULL CHECK (ended_at >= started_at),
  length_m      double precision NOT NULL DEFAULT 0,
  properties    jsonb NOT NULL DEFAULT '{}',
  track         geometry(LineStringM, 4326) NOT NULL,
  track_m       geometry(LineStringM, 4549) GENERATED ALWAYS AS (ST_Transform(track, 4549)) STORED
);
CREATE INDEX patrols_time_idx ON patrols (ended_at, started_at);
CREATE INDEX patrols_chief_idx ON patrols (chief_id, ended_at);
CREATE INDEX patrols_track_idx ON patrols USING gist (track);
CREATE INDEX patrols_track_m_idx ON patrols USING gist (track_m);

-- Live fixes of open patrols, appended as they arrive.
CREATE TABLE patrol_positions (
  patrol_id integer NOT NULL REFERENCES patrols (id) ON DELETE CASCADE,
  at        timestamptz NOT NULL,
  geom      geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (patrol_id, at)
);

-- Users and their scope: all of Huzhou, one district, or one station's jurisdiction.
CREATE TABLE users (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  display_name  text NOT NULL DEFAULT '',
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('coordinator', 'station', 'supervisor', 'admin')),
  scope         text NOT NULL DEFAULT 'all' CHECK (scope IN ('all', 'district', 'station')),
  district_code integer,
  station_id    text REFERENCES stations (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (scope <> 'district' OR district_code IS NOT NULL),
  CHECK (scope <> 'station' OR station_id IS NOT NULL)
);

-- What the database holds beyond the schema: which demo world, made when.
CREATE TABLE dataset_info (
  key   text PRIMARY KEY,
  value jsonb NOT NULL
);
