-- Sign-in, jurisdiction scopes and the province lines joint stations watch.

-- A signed-in session: the cookie holds a random token, the database only its SHA-256.
CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- The lines Zhejiang shares with Jiangsu and Anhui, cut from the province outlines. The outlines
-- come from different sources and do not share vertices: Zhejiang's edge within 1 km of the
-- neighbour counts as the shared line. Refreshed whenever the boundaries are loaded.
CREATE MATERIALIZED VIEW province_lines AS
SELECT n.adcode AS province_code, n.name_zh, n.name_en,
       ST_Multi(ST_CollectionExtract(
         ST_Intersection(ST_Boundary(z.geom_m), ST_Buffer(n.geom_m, 1000)), 2))::geometry(MultiLineString, 4549) AS line_m
FROM boundaries z
JOIN boundaries n ON n.level = 'province' AND n.adcode IN (320000, 340000)
WHERE z.level = 'province' AND z.adcode = 330000;

-- An incident linked to a case of a neighbouring province's police: a cross-border case.
CREATE TABLE incident_links (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id   integer NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  province_code integer NOT NULL CHECK (province_code IN (310000, 320000, 340000)),
  case_ref      text NOT NULL CHECK (length(case_ref) BETWEEN 1 AND 100),
  note          text NOT NULL DEFAULT '',
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (incident_id, province_code, case_ref)
);
CREATE INDEX incident_links_incident_idx ON incident_links (incident_id);
