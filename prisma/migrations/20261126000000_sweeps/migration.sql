-- DropIndex
DROP INDEX "run_experiment_id_replication_key";

-- AlterTable
ALTER TABLE "experiment" ADD COLUMN     "axes" JSONB;

-- AlterTable
ALTER TABLE "run" ADD COLUMN     "point" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "point_values" JSONB;

-- CreateIndex
CREATE UNIQUE INDEX "run_experiment_id_point_replication_key" ON "run"("experiment_id", "point", "replication");
