-- Hotspot windows read incident_cell_days by a range of days and sum n per hexagon
-- (server/domain/hotspots.ts, dailyIncidentCounts). The primary key (day, q, r, category) finds those
-- rows but does not hold n, so each row was fetched from the table as well: at a million incidents a
-- 30-day window is ~82 k rows spread over ~7 k pages (70 ms on PostgreSQL). With every column the sum
-- needs in the index it is an index-only scan, as patrol_effort_days_day_idx gives effort (20 ms).
CREATE INDEX incident_cell_days_day_idx ON incident_cell_days (day) INCLUDE (q, r, category, n);
