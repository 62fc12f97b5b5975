CREATE TABLE "cm_policies" (
	"tenant_id" text NOT NULL,
	"version" integer NOT NULL,
	"policy" jsonb NOT NULL,
	"created_by" text,
	"reason" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_policies_tenant_id_version_pk" PRIMARY KEY("tenant_id","version")
);
--> statement-breakpoint
INSERT INTO "cm_policies" ("tenant_id", "version", "policy", "created_by", "reason", "created_at")
SELECT "tenant_id", 1, '{}'::jsonb, NULL, 'every rule off', now() FROM "cm_communities";
--> statement-breakpoint
ALTER TABLE "cm_hour_records" ADD COLUMN "excess_hours" bigint;
