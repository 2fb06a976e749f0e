-- Live positions partitioned by calendar month (UTC) of their time: Huzhou's ~6 M fixes a day make
-- this the biggest table by far, and a month is the unit in which old fixes are archived or dropped
-- (DETACH PARTITION, no DELETE of millions of rows). The columns, key and cascade stay as they were.

ALTER TABLE patrol_positions RENAME TO patrol_positions_unpartitioned;
-- The old constraints change name so that the new table's get the usual ones.
ALTER TABLE patrol_positions_unpartitioned RENAME CONSTRAINT patrol_positions_pkey TO patrol_positions_unpartitioned_pkey;
ALTER TABLE patrol_positions_unpartitioned
  RENAME CONSTRAINT patrol_positions_patrol_id_fkey TO patrol_positions_unpartitioned_patrol_id_fkey;

CREATE TABLE patrol_positions (
  patrol_id integer NOT NULL REFERENCES patrols (id) ON DELETE CASCADE,
  at        timestamptz NOT NULL,
  geom      geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (patrol_id, at)
) PARTITION BY RANGE (at);

-- Catches a fix whose month has no partition (written by a path that did not make one, or in a month
-- detached for archiving): nothing is ever refused for want of a partition.
CREATE TABLE patrol_positions_default PARTITION OF patrol_positions DEFAULT;

-- Makes the month partition (patrol_positions_YYYY_MM, UTC months) of each given time unless it
-- exists. The ingest calls it in a statement of its own before its transaction, so the locks taken
-- here (SHARE UPDATE EXCLUSIVE on patrol_positions, ACCESS EXCLUSIVE on the default partition) are
-- never held by a transaction that also writes positions. The partition is built as a plain table,
-- filled with its month's rows from the default partition, then attached: CREATE TABLE … PARTITION OF
-- would fail while the default partition holds rows of that month.
CREATE FUNCTION ensure_position_partitions(instants timestamptz[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  month_start timestamp;
  low         timestamptz;
  high        timestamptz;
  part        text;
BEGIN
  FOR month_start IN
    SELECT DISTINCT date_trunc('month', t AT TIME ZONE 'UTC') FROM unnest(instants) AS t ORDER BY 1
  LOOP
    part := 'patrol_positions_' || to_char(month_start, 'YYYY_MM');
    CONTINUE WHEN to_regclass(part) IS NOT NULL;
    -- Racing ingests: the first makes the partition, the others wait here and then find it.
    PERFORM pg_advisory_xact_lock(hashtext('ensure_position_partitions'));
    CONTINUE WHEN to_regclass(part) IS NOT NULL;
    low := month_start AT TIME ZONE 'UTC';
    high := (month_start + interval '1 month') AT TIME ZONE 'UTC';
    EXECUTE format('CREATE TABLE %I (LIKE patrol_positions)', part);
    EXECUTE format(
      'WITH moved AS (DELETE FROM patrol_positions_default WHERE at >= $1 AND at < $2 RETURNING *)
       INSERT INTO %I SELECT * FROM moved', part) USING low, high;
    -- Attaching adds the partition's primary key and the foreign key to patrols.
    EXECUTE format('ALTER TABLE patrol_positions ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, low, high);
  END LOOP;
END
$$;

-- The rows already stored, each in its month's partition.
SELECT ensure_position_partitions(array_agg(DISTINCT date_trunc('month', at, 'UTC')))
FROM patrol_positions_unpartitioned;
INSERT INTO patrol_positions (patrol_id, at, geom)
SELECT patrol_id, at, geom FROM patrol_positions_unpartitioned;
DROP TABLE patrol_positions_unpartitioned;
