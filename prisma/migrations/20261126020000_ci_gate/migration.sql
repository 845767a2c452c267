-- CreateEnum
CREATE TYPE "CheckStatus" AS ENUM ('PENDING', 'PASS', 'FAIL', 'ERROR');

-- CreateTable
CREATE TABLE "baseline" (
    "name" TEXT NOT NULL,
    "experiment_id" UUID NOT NULL,
    "point" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "baseline_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "check" (
    "id" UUID NOT NULL,
    "experiment_id" UUID NOT NULL,
    "baseline_name" TEXT NOT NULL,
    "baseline_experiment_id" UUID NOT NULL,
    "baseline_point" INTEGER,
    "thresholds" JSONB NOT NULL,
    "metrics" TEXT[],
    "status" "CheckStatus" NOT NULL DEFAULT 'PENDING',
    "verdict" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "check_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_key" (
    "endpoint" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status_code" INTEGER,
    "response" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("endpoint","key")
);

-- CreateIndex
CREATE INDEX "check_status_created_at_idx" ON "check"("status", "created_at");

-- AddForeignKey
ALTER TABLE "baseline" ADD CONSTRAINT "baseline_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check" ADD CONSTRAINT "check_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
