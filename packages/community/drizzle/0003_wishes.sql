CREATE TABLE "cm_wishes" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"poster_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"grid_id" text,
	"deadline" timestamp (6) with time zone,
	"reward_points" bigint,
	"sponsor_account" text,
	"sponsor_type" text,
	"sponsor_id" text,
	"status" text NOT NULL,
	"resume_status" text,
	"claimant_id" text,
	"claimed_at" timestamp (6) with time zone,
	"fulfilled_at" timestamp (6) with time zone,
	"fulfil_note" text,
	"closed_at" timestamp (6) with time zone,
	"closed_by" text,
	"reason" text,
	"created_by" text NOT NULL,
	"request_hash" text NOT NULL,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_wishes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cm_wish_events" (
	"tenant_id" text NOT NULL,
	"wish_id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "cm_wish_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp (6) with time zone NOT NULL,
	"detail" jsonb NOT NULL,
	CONSTRAINT "cm_wish_events_tenant_id_wish_id_seq_pk" PRIMARY KEY("tenant_id","wish_id","seq")
);
--> statement-breakpoint
CREATE INDEX "cm_wishes_status" ON "cm_wishes" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE INDEX "cm_wishes_created" ON "cm_wishes" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "cm_wishes_deadline" ON "cm_wishes" USING btree ("tenant_id","deadline");--> statement-breakpoint
CREATE INDEX "cm_wish_events_action" ON "cm_wish_events" USING btree ("tenant_id","action","at");
