-- Webhooks: a project's URLs, told when its runs, experiments (sweeps) and checks complete.

-- When every run of the experiment had finished; set once, so experiment.completed is sent once.
-- AlterTable
ALTER TABLE "experiment" ADD COLUMN "completed_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "webhook" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "events" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_delivery" (
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_project_id_idx" ON "webhook"("project_id");

-- CreateIndex
CREATE INDEX "webhook_delivery_webhook_id_created_at_idx" ON "webhook_delivery"("webhook_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "webhook" ADD CONSTRAINT "webhook_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Experiments already finished count as completed (told to no one: there were no webhooks).
UPDATE "experiment" e SET "completed_at" = CURRENT_TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM "run" r WHERE r."experiment_id" = e."id" AND r."status" IN ('QUEUED', 'RUNNING'));

-- The reconciler's look for experiments whose completion nobody claimed.
-- CreateIndex
CREATE INDEX "experiment_open_idx" ON "experiment"("created_at") WHERE "completed_at" IS NULL;
