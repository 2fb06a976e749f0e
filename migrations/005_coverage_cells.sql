-- Coverage from cells kept at ingest (issue 9). Exact coverage buffers every track near a place
-- and intersects (server/domain/coverage.ts, seconds for every place); here both sides are cut once
-- into 250 m squares of EPSG:4549 (cell cx, cy spans [cx·250, cx·250 + 250) in x, likewise y):
--   place_cells  how much of a patrolled place lies in each cell (metres of line, m² of area);
--   patrol_cells the cells whose centre an actual track passed within 200 m of (coverage's default
--                R), with the time it passed closest.
-- The coverage of a place in a window is then the share of its cells some track reached in the
-- window: a sum over cells instead of a geometric union. Points and sites narrower than R
-- ("visited or not") are not cut into cells; coverage.ts asks the track index about them directly.

-- What every coverage query asks of a place, kept with it so that no query reads the geometry for
-- it: its dimension, its size (metres of line, m² of area, 0 for a point) and the diagonal of its
-- bounding box (a site no wider than R is visited or not), all in EPSG:4549.
ALTER TABLE places
  ADD COLUMN dim smallint GENERATED ALWAYS AS (ST_Dimension(geom)) STORED,
  ADD COLUMN size double precision GENERATED ALWAYS AS (
    CASE ST_Dimension(geom) WHEN 1 THEN ST_Length(ST_Transform(geom, 4549))
                            WHEN 2 THEN ST_Area(ST_Transform(geom, 4549)) ELSE 0 END) STORED,
  ADD COLUMN diagonal_m double precision GENERATED ALWAYS AS (
    ST_Length(ST_BoundingDiagonal(ST_Transform(geom, 4549)))) STORED;

CREATE TABLE place_cells (
  place_id text NOT NULL REFERENCES places (id) ON DELETE CASCADE,
  cx       integer NOT NULL,
  cy       integer NOT NULL,
  amount   double precision NOT NULL,
  PRIMARY KEY (place_id, cx, cy)
);
CREATE INDEX place_cells_cell_idx ON place_cells (cx, cy);

CREATE TABLE patrol_cells (
  patrol_id integer NOT NULL REFERENCES patrols (id) ON DELETE CASCADE,
  cx        integer NOT NULL,
  cy        integer NOT NULL,
  at        timestamptz NOT NULL,
  PRIMARY KEY (patrol_id, cx, cy)
);
-- A window reads its cells off this index alone.
CREATE INDEX patrol_cells_at_idx ON patrol_cells (at) INCLUDE (cx, cy, patrol_id);
-- The latest track through a cell before a time.
CREATE INDEX patrol_cells_cell_idx ON patrol_cells (cx, cy, at);

-- The cells of a patrolled line or polygon and how much of it lies in each. The place is first cut
-- into pieces of at most 64 vertices so that each intersection with a cell stays small.
CREATE FUNCTION place_cells_of(geom_m geometry) RETURNS TABLE (cx integer, cy integer, amount float8)
LANGUAGE sql IMMUTABLE AS $$
  SELECT g.i, g.j,
         sum(CASE WHEN ST_Dimension(s.piece) = 1 THEN ST_Length(ST_Intersection(s.piece, g.geom))
                  ELSE ST_Area(ST_Intersection(s.piece, g.geom)) END)
    FROM ST_Subdivide(geom_m, 64) AS s (piece)
   CROSS JOIN LATERAL ST_SquareGrid(250, s.piece) AS g
   WHERE ST_Intersects(s.piece, g.geom)
   GROUP BY g.i, g.j
$$;

-- The cells whose centre lies within 200 m of a track, each with the fix time (the track's M,
-- epoch seconds) where the track came closest. Candidates are the cell of each vertex of the track
-- segmentized to 250 m and its 8 neighbours: any point of the track is within 125 m of a vertex, so
-- a centre within 200 m of the track is within 325 m of a vertex, which keeps it within one cell of
-- the vertex's own (325 + 125 < 2 × 250).
CREATE FUNCTION patrol_cells_of(track_m geometry) RETURNS TABLE (cx integer, cy integer, at timestamptz)
LANGUAGE sql IMMUTABLE AS $$
  WITH line AS (SELECT ST_Force2D(track_m) AS geom),
  candidates AS (
    SELECT DISTINCT floor(ST_X(v.geom) / 250)::integer + dx AS cx, floor(ST_Y(v.geom) / 250)::integer + dy AS cy
      FROM line
     CROSS JOIN LATERAL ST_DumpPoints(ST_Segmentize(line.geom, 250)) AS v
     CROSS JOIN generate_series(-1, 1) AS dx
     CROSS JOIN generate_series(-1, 1) AS dy
  )
  SELECT c.cx, c.cy, to_timestamp(ST_InterpolatePoint(track_m, centre.geom))
    FROM candidates c, line
   CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(c.cx * 250 + 125, c.cy * 250 + 125), 4549) AS geom) AS centre
   WHERE ST_DWithin(line.geom, centre.geom, 200)
$$;

CREATE FUNCTION place_cells_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM place_cells WHERE place_id = OLD.id;
  END IF;
  IF NEW.patrol_every_days IS NOT NULL AND ST_Dimension(NEW.geom_m) > 0 THEN
    INSERT INTO place_cells (place_id, cx, cy, amount)
    SELECT NEW.id, c.cx, c.cy, c.amount FROM place_cells_of(NEW.geom_m) AS c WHERE c.amount > 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER places_cells
AFTER INSERT OR UPDATE OF geom, patrol_every_days ON places
FOR EACH ROW EXECUTE FUNCTION place_cells_follow();

-- The part of an open patrol's track that the last fixes added, or NULL when the new track does not
-- just extend the old one. Fixes are appended in time order (server/domain/patrols.ts), so the
-- added part is what lies from the old end's time (M) on.
CREATE FUNCTION appended_track(old_track geometry, new_track geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN ST_NPoints(new_track) > ST_NPoints(old_track)
     AND ST_X(ST_PointN(new_track, ST_NPoints(old_track))) = ST_X(ST_EndPoint(old_track))
     AND ST_Y(ST_PointN(new_track, ST_NPoints(old_track))) = ST_Y(ST_EndPoint(old_track))
     AND ST_M(ST_PointN(new_track, ST_NPoints(old_track))) = ST_M(ST_EndPoint(old_track))
    THEN ST_GeometryN(ST_LocateBetween(new_track, ST_M(ST_EndPoint(old_track)), 'Infinity'::float8), 1)
  END
$$;

-- Fixes appended to an open patrol add the cells of the part they add (a cell it reached already
-- keeps its time); any other change, and closing the patrol, recomputes them from the whole track.
-- Recomputing on every append would cost time in proportion to the track, which grows all day.
CREATE FUNCTION patrol_cells_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added geometry;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.kind = 'actual' AND NEW.kind = 'actual'
     AND OLD.status = 'open' AND NEW.status = 'open' THEN
    added := appended_track(OLD.track_m, NEW.track_m);
    IF added IS NOT NULL THEN
      INSERT INTO patrol_cells (patrol_id, cx, cy, at)
      SELECT NEW.id, c.cx, c.cy, c.at FROM patrol_cells_of(added) AS c
      ON CONFLICT (patrol_id, cx, cy) DO NOTHING;
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM patrol_cells WHERE patrol_id = OLD.id;
  END IF;
  IF NEW.kind = 'actual' THEN
    INSERT INTO patrol_cells (patrol_id, cx, cy, at)
    SELECT NEW.id, c.cx, c.cy, c.at FROM patrol_cells_of(NEW.track_m) AS c;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER patrols_cells
AFTER INSERT OR UPDATE OF track, kind, status ON patrols
FOR EACH ROW EXECUTE FUNCTION patrol_cells_follow();

-- What is already stored.
INSERT INTO place_cells (place_id, cx, cy, amount)
SELECT p.id, c.cx, c.cy, c.amount
  FROM places p CROSS JOIN LATERAL place_cells_of(p.geom_m) AS c
 WHERE p.patrol_every_days IS NOT NULL AND ST_Dimension(p.geom_m) > 0 AND c.amount > 0;

INSERT INTO patrol_cells (patrol_id, cx, cy, at)
SELECT p.id, c.cx, c.cy, c.at
  FROM patrols p CROSS JOIN LATERAL patrol_cells_of(p.track_m) AS c
 WHERE p.kind = 'actual';

ANALYZE places, place_cells, patrol_cells;
