-- AlterTable
ALTER TABLE "run" ADD COLUMN     "cached_from" UUID,
ADD COLUMN     "repro_key" TEXT;

-- CreateIndex
CREATE INDEX "run_repro_key_idx" ON "run"("repro_key");

-- AddForeignKey
ALTER TABLE "run" ADD CONSTRAINT "run_cached_from_fkey" FOREIGN KEY ("cached_from") REFERENCES "run"("id") ON DELETE SET NULL ON UPDATE CASCADE;
