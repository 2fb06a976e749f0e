-- Patrol effort per 500 m hexagon (the hotspot grid) and UTC day, per patrol, kept by a trigger on
-- patrols (issue 9): the effort of a hotspot window's whole days is then a sum over rows instead of
-- binning every track of the window (server/domain/hotspots.ts patrolEffortByCell). Binned as the
-- request-time binning does: the track cut into pieces of at most 125 m (a quarter of the cell's
-- edge), each piece's length credited to the hexagon of its midpoint.
CREATE TABLE patrol_effort_days (
  patrol_id integer NOT NULL REFERENCES patrols (id) ON DELETE CASCADE,
  day       date NOT NULL,
  q         integer NOT NULL,
  r         integer NOT NULL,
  metres    double precision NOT NULL,
  PRIMARY KEY (patrol_id, day, q, r)
);
CREATE INDEX patrol_effort_days_day_idx ON patrol_effort_days (day) INCLUDE (q, r, metres);

-- A track's effort per UTC day and hexagon: the track is cut at each UTC midnight by its M (epoch
-- seconds), as a window ending at midnight cuts it, then into pieces. incident_cell
-- (migrations/004_incident_cell_days.sql) is the 500 m hexagon of any EPSG:4549 point.
CREATE FUNCTION patrol_effort_of(track_m geometry) RETURNS TABLE (day date, q integer, r integer, metres float8)
LANGUAGE sql IMMUTABLE AS $$
  WITH days AS (
    SELECT d::date AS day, extract(epoch FROM d) AS t0, extract(epoch FROM d + interval '1 day') AS t1
      FROM generate_series(date_trunc('day', to_timestamp(ST_M(ST_StartPoint(track_m))) AT TIME ZONE 'UTC'),
                           to_timestamp(ST_M(ST_EndPoint(track_m))) AT TIME ZONE 'UTC',
                           interval '1 day') AS d
  )
  SELECT days.day, cell.q, cell.r, sum(ST_Length(s.geom))
    FROM days
   CROSS JOIN LATERAL ST_DumpSegments(ST_Segmentize(
           ST_CollectionExtract(ST_LocateBetween(track_m, days.t0, days.t1), 2), 125)) AS s
   CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(s.geom, 0.5) AS geom) AS mid
   CROSS JOIN LATERAL incident_cell(ST_X(mid.geom), ST_Y(mid.geom)) AS cell
   GROUP BY 1, 2, 3
$$;

-- Fixes appended to an open patrol add the effort of the part they add (appended_track,
-- migrations/005_coverage_cells.sql): binning is per segment and per UTC day, so this gives what a
-- recomputation gives, without work in proportion to the whole track on every append.
CREATE FUNCTION patrol_effort_days_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added geometry;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.kind = 'actual' AND NEW.kind = 'actual' THEN
    added := appended_track(OLD.track_m, NEW.track_m);
    IF added IS NOT NULL THEN
      INSERT INTO patrol_effort_days (patrol_id, day, q, r, metres)
      SELECT NEW.id, e.day, e.q, e.r, e.metres FROM patrol_effort_of(added) AS e
      ON CONFLICT (patrol_id, day, q, r) DO UPDATE SET metres = patrol_effort_days.metres + excluded.metres;
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM patrol_effort_days WHERE patrol_id = OLD.id;
  END IF;
  IF NEW.kind = 'actual' THEN
    INSERT INTO patrol_effort_days (patrol_id, day, q, r, metres)
    SELECT NEW.id, e.day, e.q, e.r, e.metres FROM patrol_effort_of(NEW.track_m) AS e;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER patrols_effort_days
AFTER INSERT OR UPDATE OF track, kind ON patrols
FOR EACH ROW EXECUTE FUNCTION patrol_effort_days_follow();

-- Patrols already stored.
INSERT INTO patrol_effort_days (patrol_id, day, q, r, metres)
SELECT p.id, e.day, e.q, e.r, e.metres
  FROM patrols p CROSS JOIN LATERAL patrol_effort_of(p.track_m) AS e
 WHERE p.kind = 'actual';

ANALYZE patrol_effort_days;
