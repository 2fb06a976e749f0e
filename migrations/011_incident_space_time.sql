-- Incidents by place and time in one GiST index (issue 9): the incidents of a viewport over a window
-- (20 km × 30 days of a million incidents: ~4 k) are one range of it, where the 2D index on geom and
-- the btree on occurred_at each matched 50–80 k rows to intersect. A point is (lon, lat, day number);
-- server/domain/incidents.ts filterConditions queries it with &&& and a 3D box.

-- Days since 1970-01-01 UTC, with the fraction of the day.
CREATE FUNCTION incident_day(t timestamptz) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN date_part('epoch', t AT TIME ZONE 'UTC') / 86400;

CREATE FUNCTION incident_space_time(geom geometry, occurred_at timestamptz) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ST_MakePoint(ST_X(geom), ST_Y(geom), incident_day(occurred_at));

CREATE INDEX incidents_space_time_idx ON incidents
  USING gist (incident_space_time(geom, occurred_at) gist_geometry_ops_nd);

-- The planner's statistics of the new expression.
ANALYZE incidents;
