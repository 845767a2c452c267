-- Secrets the service signs with (report links), made once and shared by every API process.
-- CreateTable
CREATE TABLE "signing_key" (
    "name" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signing_key_pkey" PRIMARY KEY ("name")
);
