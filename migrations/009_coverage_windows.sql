-- What a coverage window or the gap list reads at a million incidents a year (issue 9).
--
-- The squares of patrolled places that each actual track reached: place_cells joined to
-- patrol_cells on the square (migrations/005_coverage_cells.sql), kept at ingest (issue 9). A
-- coverage window then reads its rows off one index instead of joining the window's ~65 k patrol
-- squares to the ~90 k place squares on every request (the join took ~150 of ~220 ms at a million
-- incidents a year). Kept by statement triggers on both sides, so that a track's or a place's
-- squares are joined once per statement, and the set-based rebuild of a bulk load
-- (server/db/bulk-load.ts) fills it in one join.
CREATE TABLE place_patrol_cells (
  place_id  text NOT NULL,
  cx        integer NOT NULL,
  cy        integer NOT NULL,
  patrol_id integer NOT NULL,
  at        timestamptz NOT NULL,
  amount    double precision NOT NULL,
  PRIMARY KEY (place_id, cx, cy, patrol_id)
);
-- A window reads its rows off this index alone.
CREATE INDEX place_patrol_cells_at_idx ON place_patrol_cells (at) INCLUDE (place_id, cx, cy, patrol_id, amount);
-- Removing a track's squares.
CREATE INDEX place_patrol_cells_patrol_idx ON place_patrol_cells (patrol_id, cx, cy);

CREATE FUNCTION place_patrol_cells_add_patrol_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO place_patrol_cells (place_id, cx, cy, patrol_id, at, amount)
  SELECT c.place_id, c.cx, c.cy, a.patrol_id, a.at, c.amount
    FROM added a JOIN place_cells c ON c.cx = a.cx AND c.cy = a.cy;
  RETURN NULL;
END
$$;

CREATE FUNCTION place_patrol_cells_remove_patrol_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM place_patrol_cells x
   USING removed r
   WHERE x.patrol_id = r.patrol_id AND x.cx = r.cx AND x.cy = r.cy;
  RETURN NULL;
END
$$;

CREATE FUNCTION place_patrol_cells_add_place_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO place_patrol_cells (place_id, cx, cy, patrol_id, at, amount)
  SELECT a.place_id, a.cx, a.cy, pc.patrol_id, pc.at, a.amount
    FROM added a JOIN patrol_cells pc ON pc.cx = a.cx AND pc.cy = a.cy;
  RETURN NULL;
END
$$;

CREATE FUNCTION place_patrol_cells_remove_place_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM place_patrol_cells x
   USING removed r
   WHERE x.place_id = r.place_id AND x.cx = r.cx AND x.cy = r.cy;
  RETURN NULL;
END
$$;

-- Neither side's rows are ever updated: the triggers of migration 005 delete and insert.
CREATE TRIGGER patrol_cells_added AFTER INSERT ON patrol_cells
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION place_patrol_cells_add_patrol_cells();
CREATE TRIGGER patrol_cells_removed AFTER DELETE ON patrol_cells
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION place_patrol_cells_remove_patrol_cells();
CREATE TRIGGER place_cells_added AFTER INSERT ON place_cells
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION place_patrol_cells_add_place_cells();
CREATE TRIGGER place_cells_removed AFTER DELETE ON place_cells
REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION place_patrol_cells_remove_place_cells();

-- The end of each patrol a window's squares name, read off an index: the patrols' rows are wide
-- (their tracks), and a window names thousands of them.
CREATE INDEX patrols_id_ended_idx ON patrols (id) INCLUDE (ended_at);

-- Where the patrol records begin (the gap list's overdue days): the first actual start, off an
-- index instead of a scan of every patrol.
CREATE INDEX patrols_actual_started_idx ON patrols (started_at) WHERE kind = 'actual';

-- What is already stored.
INSERT INTO place_patrol_cells (place_id, cx, cy, patrol_id, at, amount)
SELECT c.place_id, c.cx, c.cy, pc.patrol_id, pc.at, c.amount
  FROM place_cells c JOIN patrol_cells pc ON pc.cx = c.cx AND pc.cy = c.cy;

ANALYZE place_patrol_cells, patrols;
