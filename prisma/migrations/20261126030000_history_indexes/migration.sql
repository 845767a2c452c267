-- History queries find the experiments first, then their runs by experiment and status.
-- CreateIndex
CREATE INDEX "run_experiment_id_status_idx" ON "run"("experiment_id", "status");

-- Metric ranges and comparisons read a run's metric without visiting the table (index-only).
-- CreateIndex
CREATE INDEX "metric_run_id_name_value_idx" ON "metric"("run_id", "name") INCLUDE ("value");
