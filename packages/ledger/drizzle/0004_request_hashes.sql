-- Fingerprints of the requests that created tenants, assets and accounts, so a repeat of the same
-- id is told a replay or a conflict by one rule (domain/idempotency.ts). Rows made before stay null.
ALTER TABLE "tb_accounts" ADD COLUMN "request_hash" text;--> statement-breakpoint
ALTER TABLE "tb_assets" ADD COLUMN "request_hash" text;--> statement-breakpoint
ALTER TABLE "tb_tenants" ADD COLUMN "request_hash" text;