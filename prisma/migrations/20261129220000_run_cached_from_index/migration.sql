-- Deleting runs looks up the runs whose cached result points at them (ON DELETE SET NULL): without
-- an index that is a scan of every run per deleted run, and deleting a 1,000-run sweep among
-- 100,000 runs took minutes. Partial: most runs were simulated, not served from the cache.
-- CreateIndex
CREATE INDEX "run_cached_from_idx" ON "run"("cached_from") WHERE "cached_from" IS NOT NULL;
