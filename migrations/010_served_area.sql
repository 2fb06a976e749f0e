-- The convex hull of Huzhou's districts (EPSG:4549), which patrol fixes are checked against
-- (server/domain/patrols.ts fixesOutsideServedArea; issue 9). Kept here by a trigger on boundaries
-- instead of being computed from the districts' ~8 k vertices on every upload (~3 ms of a
-- 200-fix track's ~15 ms). No row while no district is loaded: then every fix passes.
CREATE TABLE served_area (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  hull_m   geometry(Geometry, 4549) NOT NULL
);

CREATE FUNCTION refresh_served_area() RETURNS void LANGUAGE sql AS $$
  DELETE FROM served_area;
  INSERT INTO served_area (hull_m)
  SELECT ST_ConvexHull(ST_Collect(geom_m)) FROM boundaries WHERE level = 'district' HAVING count(*) > 0;
$$;

CREATE FUNCTION served_area_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_served_area();
  RETURN NULL;
END
$$;

-- Per statement: a load of many boundaries recomputes the hull once.
CREATE TRIGGER boundaries_served_area
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON boundaries
FOR EACH STATEMENT EXECUTE FUNCTION served_area_follow();

-- What is already stored.
SELECT refresh_served_area();
