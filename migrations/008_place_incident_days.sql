-- Incidents (not cancelled) within 500 m of each patrolled place per UTC day, kept by triggers on
-- incidents and places (issue 9): the risk that ranks the gap list (server/domain/coverage-gaps.ts,
-- RISK_RADIUS_M) is then a sum over 90 days of rows instead of a spatial join of every place with a
-- quarter of a year of incidents (seconds at a million incidents a year).
CREATE TABLE place_incident_days (
  place_id text NOT NULL REFERENCES places (id) ON DELETE CASCADE,
  day      date NOT NULL,
  n        integer NOT NULL CHECK (n >= 0),
  PRIMARY KEY (place_id, day)
);
CREATE INDEX place_incident_days_day_idx ON place_incident_days (day) INCLUDE (place_id, n);

-- An incident counts for the patrolled places within 500 m of it, on its UTC day, unless cancelled.
-- The places are found by their GiST index; a place that moves is recounted by the trigger below,
-- so the places an old position counted for are the ones within 500 m of it now.
CREATE FUNCTION place_incident_days_follow_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'cancelled' THEN
    UPDATE place_incident_days d SET n = d.n - 1
      FROM places p
     WHERE d.place_id = p.id AND d.day = (OLD.occurred_at AT TIME ZONE 'UTC')::date
       AND p.patrol_every_days IS NOT NULL AND ST_DWithin(p.geom_m, OLD.geom_m, 500);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status <> 'cancelled' THEN
    INSERT INTO place_incident_days (place_id, day, n)
    SELECT p.id, (NEW.occurred_at AT TIME ZONE 'UTC')::date, 1
      FROM places p
     WHERE p.patrol_every_days IS NOT NULL AND ST_DWithin(p.geom_m, NEW.geom_m, 500)
    ON CONFLICT (place_id, day) DO UPDATE SET n = place_incident_days.n + 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER incidents_place_days
AFTER INSERT OR DELETE OR UPDATE OF geom, occurred_at, status ON incidents
FOR EACH ROW EXECUTE FUNCTION place_incident_days_follow_incidents();

CREATE FUNCTION place_incident_days_follow_places() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM place_incident_days WHERE place_id = OLD.id;
  END IF;
  IF NEW.patrol_every_days IS NOT NULL THEN
    INSERT INTO place_incident_days (place_id, day, n)
    SELECT NEW.id, (i.occurred_at AT TIME ZONE 'UTC')::date, count(*)
      FROM incidents i
     WHERE i.status <> 'cancelled' AND ST_DWithin(i.geom_m, NEW.geom_m, 500)
     GROUP BY 2;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER places_incident_days
AFTER INSERT OR UPDATE OF geom, patrol_every_days ON places
FOR EACH ROW EXECUTE FUNCTION place_incident_days_follow_places();

-- What is already stored.
INSERT INTO place_incident_days (place_id, day, n)
SELECT p.id, (i.occurred_at AT TIME ZONE 'UTC')::date, count(*)
  FROM places p JOIN incidents i ON ST_DWithin(i.geom_m, p.geom_m, 500)
 WHERE p.patrol_every_days IS NOT NULL AND i.status <> 'cancelled'
 GROUP BY 1, 2;

ANALYZE place_incident_days;
