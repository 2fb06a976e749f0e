-- Track ingest (issue 9): the same cells and effort from a track, in about half the time. Most of
-- the ~1.5 ms of patrol_cells_of and ~1.9 ms of patrol_effort_of for a 200-fix track went to
-- per-row work the planner could not remove.

-- The 500 m hexagon of an EPSG:4549 point as a one-row table: the planner inlines a SQL function
-- returning a set into the query that reads it, but calls one returning a record (incident_cell)
-- once per row, ~9 µs each. incident_cell stays for the triggers that assign its result.
CREATE FUNCTION incident_hexagon(x float8, y float8) RETURNS TABLE (q integer, r integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT round((i - k) / 3)::integer, round((j - i) / 3)::integer
  FROM (SELECT floor(xs - ys / sqrt(3::float8)) AS i,
               floor((2 * ys) / sqrt(3::float8)) AS j,
               floor(-xs - ys / sqrt(3::float8)) AS k
          FROM (SELECT x / 500::float8 AS xs, y / 500::float8 AS ys) AS scaled) AS floors
$$;

CREATE OR REPLACE FUNCTION incident_cell(x float8, y float8, OUT q integer, OUT r integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT h.q, h.r FROM incident_hexagon(x, y) AS h
$$;

-- As in migration 007, with each piece's midpoint and length computed once (OFFSET 0 keeps the
-- planner from pulling the subquery up and repeating ST_LineInterpolatePoint in every expression
-- of the inlined hexagon).
CREATE OR REPLACE FUNCTION patrol_effort_of(track_m geometry) RETURNS TABLE (day date, q integer, r integer, metres float8)
LANGUAGE sql IMMUTABLE AS $$
  WITH days AS (
    SELECT d::date AS day, extract(epoch FROM d) AS t0, extract(epoch FROM d + interval '1 day') AS t1
      FROM generate_series(date_trunc('day', to_timestamp(ST_M(ST_StartPoint(track_m))) AT TIME ZONE 'UTC'),
                           to_timestamp(ST_M(ST_EndPoint(track_m))) AT TIME ZONE 'UTC',
                           interval '1 day') AS d
  )
  SELECT days.day, cell.q, cell.r, sum(piece.metres)
    FROM days
   CROSS JOIN LATERAL ST_DumpSegments(ST_Segmentize(
           ST_CollectionExtract(ST_LocateBetween(track_m, days.t0, days.t1), 2), 125)) AS s
   CROSS JOIN LATERAL (SELECT ST_X(mid) AS x, ST_Y(mid) AS y, ST_Length(s.geom) AS metres
                         FROM (SELECT ST_LineInterpolatePoint(s.geom, 0.5) AS mid) AS m
                       OFFSET 0) AS piece
   CROSS JOIN LATERAL incident_hexagon(piece.x, piece.y) AS cell
   GROUP BY 1, 2, 3
$$;

-- As in migration 005, with the candidates found in two steps: the distinct squares of the
-- vertices first (a GPS track has many vertices per square), then their neighbours. Expanding
-- every vertex by its 8 neighbours before making them distinct made 1,800 rows of a 200-fix track.
CREATE OR REPLACE FUNCTION patrol_cells_of(track_m geometry) RETURNS TABLE (cx integer, cy integer, at timestamptz)
LANGUAGE sql IMMUTABLE AS $$
  WITH line AS (SELECT ST_Force2D(track_m) AS geom),
  vertex_squares AS (
    SELECT DISTINCT floor(ST_X(v.geom) / 250)::integer AS cx, floor(ST_Y(v.geom) / 250)::integer AS cy
      FROM line CROSS JOIN LATERAL ST_DumpPoints(ST_Segmentize(line.geom, 250)) AS v
  ),
  candidates AS (
    SELECT DISTINCT v.cx + dx AS cx, v.cy + dy AS cy
      FROM vertex_squares v
     CROSS JOIN generate_series(-1, 1) AS dx
     CROSS JOIN generate_series(-1, 1) AS dy
  )
  SELECT c.cx, c.cy, to_timestamp(ST_InterpolatePoint(track_m, centre.geom))
    FROM candidates c, line
   CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(c.cx * 250 + 125, c.cy * 250 + 125), 4549) AS geom) AS centre
   WHERE ST_DWithin(line.geom, centre.geom, 200)
$$;
