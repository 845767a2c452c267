-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "experiment" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "tags" TEXT[],
    "spec" JSONB NOT NULL,
    "system_path" TEXT NOT NULL,
    "workload_kind" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run" (
    "id" UUID NOT NULL,
    "experiment_id" UUID NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "spec" JSONB NOT NULL,
    "seed" BIGINT NOT NULL,
    "replication" INTEGER NOT NULL,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "worker_id" TEXT,
    "error_code" TEXT,
    "error" TEXT,
    "model_version" TEXT,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "result" JSONB,

    CONSTRAINT "run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric" (
    "run_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "metric_pkey" PRIMARY KEY ("run_id","name")
);

-- CreateIndex
CREATE INDEX "experiment_created_at_id_idx" ON "experiment"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "experiment_tags_idx" ON "experiment" USING GIN ("tags");

-- CreateIndex
CREATE UNIQUE INDEX "run_experiment_id_replication_key" ON "run"("experiment_id", "replication");

-- CreateIndex
CREATE INDEX "run_status_queued_at_idx" ON "run"("status", "queued_at");

-- CreateIndex
CREATE INDEX "run_queued_at_id_idx" ON "run"("queued_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "metric_name_value_idx" ON "metric"("name", "value");

-- AddForeignKey
ALTER TABLE "run" ADD CONSTRAINT "run_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric" ADD CONSTRAINT "metric_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
