-- The primary key carries the value, so one index gives both the uniqueness a retried job needs
-- and index-only reads of a run's metric. Two indexes on (run_id, name) cost every metric row a
-- third index insert: a 1,000-run sweep writes 70,000 rows, a cached one copies as many.
ALTER TABLE "metric" DROP CONSTRAINT "metric_pkey";
ALTER TABLE "metric" ADD CONSTRAINT "metric_pkey" PRIMARY KEY ("run_id", "name") INCLUDE ("value");
DROP INDEX "metric_run_id_name_value_idx";
