-- A version per UTC day of place_patrol_cells (migration 009), as migration 013 keeps for the
-- hotspot tables: the server keeps the days of it that it has read in memory
-- (server/domain/day-copy.ts) and sums a coverage window there. Making 56 k window rows distinct
-- per place square and per place patrol was most of a coverage request at a million incidents.
-- A row's day is the UTC day of `at`, when the track reached the square.
CREATE FUNCTION place_patrol_cell_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO cell_day_versions (source, day)
  SELECT DISTINCT TG_TABLE_NAME, (at AT TIME ZONE 'UTC')::date FROM changed
      ON CONFLICT (source, day) DO UPDATE SET version = nextval('cell_day_version');
  RETURN NULL;
END
$$;

-- A trigger with a transition table takes one event, hence one per event; all name it `changed`.
-- An update bumps the days its rows had and the days they have: two triggers.
CREATE TRIGGER place_patrol_cells_inserted AFTER INSERT ON place_patrol_cells
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION place_patrol_cell_versions_bump();
CREATE TRIGGER place_patrol_cells_updated AFTER UPDATE ON place_patrol_cells
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION place_patrol_cell_versions_bump();
CREATE TRIGGER place_patrol_cells_updated_from AFTER UPDATE ON place_patrol_cells
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION place_patrol_cell_versions_bump();
CREATE TRIGGER place_patrol_cells_deleted AFTER DELETE ON place_patrol_cells
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION place_patrol_cell_versions_bump();

-- Migration 013 bumped only the days an update moves rows to; the days they leave too.
CREATE TRIGGER incident_cell_days_updated_from AFTER UPDATE ON incident_cell_days
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cell_day_versions_bump();
CREATE TRIGGER patrol_effort_days_updated_from AFTER UPDATE ON patrol_effort_days
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cell_day_versions_bump();

-- The days already stored.
INSERT INTO cell_day_versions (source, day)
SELECT DISTINCT 'place_patrol_cells', (at AT TIME ZONE 'UTC')::date FROM place_patrol_cells;
