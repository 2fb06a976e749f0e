-- A version per UTC day of each per-day cell table (incident_cell_days, patrol_effort_days): the
-- server keeps the days of those tables it has read in memory (server/domain/cell-day-cache.ts) and
-- asks only for these ~30 versions per hotspot window, reading again the days whose version moved.
-- Summing a window's ~80 k day rows in SQL was most of a hotspot request at a million incidents.
--
-- The version is bumped by statement triggers on the cell tables themselves, so every writer is
-- covered: the per-row ingest triggers, the set-based demo load and the incident import alike.
CREATE SEQUENCE cell_day_version;

CREATE TABLE cell_day_versions (
  source  text NOT NULL,
  day     date NOT NULL,
  version bigint NOT NULL DEFAULT nextval('cell_day_version'),
  PRIMARY KEY (source, day)
);

CREATE FUNCTION cell_day_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO cell_day_versions (source, day)
  SELECT DISTINCT TG_TABLE_NAME, day FROM changed
      ON CONFLICT (source, day) DO UPDATE SET version = nextval('cell_day_version');
  RETURN NULL;
END
$$;

-- A trigger with a transition table takes one event, hence three per table; all name it `changed`.
CREATE TRIGGER incident_cell_days_inserted AFTER INSERT ON incident_cell_days
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cell_day_versions_bump();
CREATE TRIGGER incident_cell_days_updated AFTER UPDATE ON incident_cell_days
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cell_day_versions_bump();
CREATE TRIGGER incident_cell_days_deleted AFTER DELETE ON incident_cell_days
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cell_day_versions_bump();

CREATE TRIGGER patrol_effort_days_inserted AFTER INSERT ON patrol_effort_days
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cell_day_versions_bump();
CREATE TRIGGER patrol_effort_days_updated AFTER UPDATE ON patrol_effort_days
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cell_day_versions_bump();
CREATE TRIGGER patrol_effort_days_deleted AFTER DELETE ON patrol_effort_days
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cell_day_versions_bump();

-- The days already stored.
INSERT INTO cell_day_versions (source, day)
SELECT DISTINCT 'incident_cell_days', day FROM incident_cell_days
UNION
SELECT DISTINCT 'patrol_effort_days', day FROM patrol_effort_days;
