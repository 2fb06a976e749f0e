-- Incidents per 500 m hexagon (the hotspot grid, server/domain/hex-grid.ts), UTC day and category,
-- kept up to date by a trigger on incidents: the counts of a hotspot window are then a sum over
-- cells and whole days instead of a scan of the incidents (issue 9). Rows may fall to n = 0 after
-- deletes and moves; sums ignore them.
CREATE TABLE incident_cell_days (
  day      date NOT NULL,
  q        integer NOT NULL,
  r        integer NOT NULL,
  category text NOT NULL,
  n        integer NOT NULL CHECK (n >= 0),
  PRIMARY KEY (day, q, r, category)
);

-- The hexagon of an EPSG:4549 point for 500 m cells: hexBinSql's arithmetic, operation for
-- operation, so both agree on every point (tests/api/incident-cells.test.ts compares them).
CREATE FUNCTION incident_cell(x float8, y float8, OUT q integer, OUT r integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT round((i - k) / 3)::integer, round((j - i) / 3)::integer
  FROM (SELECT floor(xs - ys / sqrt(3::float8)) AS i,
               floor((2 * ys) / sqrt(3::float8)) AS j,
               floor(-xs - ys / sqrt(3::float8)) AS k
          FROM (SELECT x / 500::float8 AS xs, y / 500::float8 AS ys) AS scaled) AS floors
$$;

CREATE FUNCTION incident_cell_days_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cell record;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    cell := incident_cell(ST_X(OLD.geom_m), ST_Y(OLD.geom_m));
    UPDATE incident_cell_days SET n = n - 1
     WHERE day = (OLD.occurred_at AT TIME ZONE 'UTC')::date AND q = cell.q AND r = cell.r
       AND category = OLD.category;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    cell := incident_cell(ST_X(NEW.geom_m), ST_Y(NEW.geom_m));
    INSERT INTO incident_cell_days (day, q, r, category, n)
    VALUES ((NEW.occurred_at AT TIME ZONE 'UTC')::date, cell.q, cell.r, NEW.category, 1)
    ON CONFLICT (day, q, r, category) DO UPDATE SET n = incident_cell_days.n + 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER incidents_cell_days
AFTER INSERT OR DELETE OR UPDATE OF geom, occurred_at, category ON incidents
FOR EACH ROW EXECUTE FUNCTION incident_cell_days_follow();

-- Incidents already stored.
INSERT INTO incident_cell_days (day, q, r, category, n)
SELECT (i.occurred_at AT TIME ZONE 'UTC')::date, c.q, c.r, i.category, count(*)
  FROM incidents i CROSS JOIN LATERAL incident_cell(ST_X(i.geom_m), ST_Y(i.geom_m)) AS c
 GROUP BY 1, 2, 3, 4;
