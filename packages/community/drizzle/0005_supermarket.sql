CREATE TABLE "cm_rewards" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"price" bigint NOT NULL,
	"active" boolean NOT NULL,
	"pickup_days" integer,
	"asset" text NOT NULL,
	"created_by" text NOT NULL,
	"request_hash" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	"updated_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_rewards_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cm_redemptions" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"reward_id" text NOT NULL,
	"member_id" text NOT NULL,
	"quantity" bigint NOT NULL,
	"price" bigint NOT NULL,
	"points" bigint NOT NULL,
	"status" text NOT NULL,
	"expires_at" timestamp (6) with time zone,
	"requested_by" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp (6) with time zone,
	"reason" text,
	"refusal" jsonb,
	"request_hash" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_redemptions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE INDEX "cm_redemptions_status" ON "cm_redemptions" USING btree ("tenant_id","status","expires_at");--> statement-breakpoint
CREATE INDEX "cm_redemptions_member" ON "cm_redemptions" USING btree ("tenant_id","member_id","created_at");--> statement-breakpoint
CREATE INDEX "cm_redemptions_reward" ON "cm_redemptions" USING btree ("tenant_id","reward_id","status");
