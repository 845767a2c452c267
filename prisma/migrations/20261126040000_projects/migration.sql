-- Projects and API tokens. Rows stored before projects existed move into a project named
-- 'default' (its tokens are made with `iopath admin create-token default`).

-- CreateTable
CREATE TABLE "project" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "project_name_key" ON "project"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_hash_key" ON "api_token"("hash");

-- AddForeignKey
ALTER TABLE "api_token" ADD CONSTRAINT "api_token_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing rows belong to the 'default' project.
INSERT INTO "project" ("id", "name") SELECT '00000000-0000-4000-8000-000000000001', 'default'
WHERE EXISTS (SELECT 1 FROM "experiment");

-- AlterTable
ALTER TABLE "experiment" ADD COLUMN "project_id" UUID;
UPDATE "experiment" SET "project_id" = '00000000-0000-4000-8000-000000000001';
ALTER TABLE "experiment" ALTER COLUMN "project_id" SET NOT NULL;

-- CreateIndex
CREATE INDEX "experiment_project_id_created_at_idx" ON "experiment"("project_id", "created_at");

-- AddForeignKey
ALTER TABLE "experiment" ADD CONSTRAINT "experiment_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Baselines are named within a project.
ALTER TABLE "baseline" DROP CONSTRAINT "baseline_pkey";
ALTER TABLE "baseline" ADD COLUMN "project_id" UUID;
UPDATE "baseline" SET "project_id" = '00000000-0000-4000-8000-000000000001';
ALTER TABLE "baseline" ALTER COLUMN "project_id" SET NOT NULL;
ALTER TABLE "baseline" ADD CONSTRAINT "baseline_pkey" PRIMARY KEY ("project_id", "name");
ALTER TABLE "baseline" ADD CONSTRAINT "baseline_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Idempotency keys too (a key is only the caller's own).
DELETE FROM "idempotency_key";
ALTER TABLE "idempotency_key" DROP CONSTRAINT "idempotency_key_pkey";
ALTER TABLE "idempotency_key" ADD COLUMN "project_id" UUID NOT NULL;
ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("project_id", "endpoint", "key");
