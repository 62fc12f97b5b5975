CREATE TABLE "cm_activities" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"place" text NOT NULL,
	"grid_id" text NOT NULL,
	"organiser_type" text,
	"organiser_id" text,
	"starts_at" timestamp (6) with time zone NOT NULL,
	"ends_at" timestamp (6) with time zone NOT NULL,
	"capacity" integer NOT NULL,
	"max_hours" bigint NOT NULL,
	"status" text NOT NULL,
	"code_secret" text NOT NULL,
	"created_by" text,
	"request_hash" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_activities_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cm_attendance" (
	"tenant_id" text NOT NULL,
	"activity_id" text NOT NULL,
	"member_id" text NOT NULL,
	"checked_in_at" timestamp (6) with time zone NOT NULL,
	"checked_in_by" text NOT NULL,
	"checked_out_at" timestamp (6) with time zone,
	"checked_out_by" text,
	"record_id" text,
	CONSTRAINT "cm_attendance_tenant_id_activity_id_member_id_pk" PRIMARY KEY("tenant_id","activity_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "cm_certificates" (
	"tenant_id" text NOT NULL,
	"serial" bigint NOT NULL,
	"member_id" text NOT NULL,
	"document" jsonb NOT NULL,
	"signature" text NOT NULL,
	"record_ids" text[] NOT NULL,
	"issued_by" text NOT NULL,
	"issued_at" timestamp (6) with time zone NOT NULL,
	"request_hash" text,
	"request_id" text NOT NULL,
	CONSTRAINT "cm_certificates_tenant_id_serial_pk" PRIMARY KEY("tenant_id","serial")
);
--> statement-breakpoint
CREATE TABLE "cm_closed_periods" (
	"tenant_id" text NOT NULL,
	"period" text NOT NULL,
	"closed_at" timestamp (6) with time zone NOT NULL,
	"closed_by" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"snapshot_hash" text NOT NULL,
	CONSTRAINT "cm_closed_periods_tenant_id_period_pk" PRIMARY KEY("tenant_id","period")
);
--> statement-breakpoint
CREATE TABLE "cm_communities" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"time_zone" text NOT NULL,
	"settings" jsonb NOT NULL,
	"public_key" text NOT NULL,
	"private_key" text NOT NULL,
	"created_at" timestamp (6) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cm_counters" (
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "cm_counters_tenant_id_name_pk" PRIMARY KEY("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "cm_grids" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"parent_id" text,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"path" text NOT NULL,
	"leader_member_id" text,
	"request_hash" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_grids_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cm_hour_records" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"member_id" text NOT NULL,
	"activity_id" text,
	"kind" text NOT NULL,
	"role" text NOT NULL,
	"conduct" text NOT NULL,
	"started_at" timestamp (6) with time zone NOT NULL,
	"ended_at" timestamp (6) with time zone NOT NULL,
	"hours" bigint NOT NULL,
	"points" bigint,
	"rule_version" integer,
	"status" text NOT NULL,
	"manual" boolean NOT NULL,
	"created_by" text NOT NULL,
	"decided_by" text,
	"decided_at" timestamp (6) with time zone,
	"posted_at" timestamp (6) with time zone,
	"posted_period" text,
	"reversed_at" timestamp (6) with time zone,
	"reversed_period" text,
	"note" text,
	"request_hash" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_hour_records_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cm_member_places" (
	"tenant_id" text NOT NULL,
	"member_id" text NOT NULL,
	"since" timestamp (6) with time zone NOT NULL,
	"grid_id" text NOT NULL,
	"until" timestamp (6) with time zone,
	"placed_by" text,
	CONSTRAINT "cm_member_places_tenant_id_member_id_since_pk" PRIMARY KEY("tenant_id","member_id","since")
);
--> statement-breakpoint
CREATE TABLE "cm_member_totals" (
	"tenant_id" text NOT NULL,
	"member_id" text NOT NULL,
	"month" text NOT NULL,
	"hours" bigint NOT NULL,
	"points" bigint NOT NULL,
	"records" integer NOT NULL,
	CONSTRAINT "cm_member_totals_tenant_id_month_member_id_pk" PRIMARY KEY("tenant_id","month","member_id")
);
--> statement-breakpoint
CREATE TABLE "cm_members" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text,
	"phone" text,
	"id_number" text,
	"birth_date" date,
	"status" text NOT NULL,
	"grid_id" text,
	"pseudonym" text NOT NULL,
	"applied_at" timestamp (6) with time zone NOT NULL,
	"reviewed_by" text,
	"reviewed_at" timestamp (6) with time zone,
	"review_note" text,
	"created_by" text,
	"request_hash" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "cm_members_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cm_organisation_members" (
	"tenant_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"member_id" text NOT NULL,
	"role" text NOT NULL,
	"joined_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_organisation_members_tenant_id_organisation_id_member_id_pk" PRIMARY KEY("tenant_id","organisation_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "cm_organisations" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"contact_name" text,
	"contact_phone" text,
	"grid_id" text,
	"status" text NOT NULL,
	"request_hash" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_organisations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cm_point_rules" (
	"tenant_id" text NOT NULL,
	"version" integer NOT NULL,
	"rule" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_point_rules_tenant_id_version_pk" PRIMARY KEY("tenant_id","version")
);
--> statement-breakpoint
CREATE TABLE "cm_record_events" (
	"tenant_id" text NOT NULL,
	"record_id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "cm_record_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp (6) with time zone NOT NULL,
	"detail" jsonb NOT NULL,
	CONSTRAINT "cm_record_events_tenant_id_record_id_seq_pk" PRIMARY KEY("tenant_id","record_id","seq")
);
--> statement-breakpoint
CREATE TABLE "cm_relatives" (
	"tenant_id" text NOT NULL,
	"member_id" text NOT NULL,
	"relative_id" text NOT NULL,
	"relation" text NOT NULL,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_relatives_tenant_id_member_id_relative_id_pk" PRIMARY KEY("tenant_id","member_id","relative_id")
);
--> statement-breakpoint
CREATE TABLE "cm_signups" (
	"tenant_id" text NOT NULL,
	"activity_id" text NOT NULL,
	"member_id" text NOT NULL,
	"status" text NOT NULL,
	"role" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "cm_signups_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"signed_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_signups_tenant_id_activity_id_member_id_pk" PRIMARY KEY("tenant_id","activity_id","member_id")
);
--> statement-breakpoint
CREATE INDEX "cm_activities_starts" ON "cm_activities" USING btree ("tenant_id","starts_at");--> statement-breakpoint
CREATE INDEX "cm_certificates_member" ON "cm_certificates" USING btree ("tenant_id","member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cm_certificates_request" ON "cm_certificates" USING btree ("tenant_id","request_id");--> statement-breakpoint
CREATE INDEX "cm_grids_path" ON "cm_grids" USING btree ("tenant_id","path");--> statement-breakpoint
CREATE INDEX "cm_records_status" ON "cm_hour_records" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE INDEX "cm_records_member" ON "cm_hour_records" USING btree ("tenant_id","member_id","created_at");--> statement-breakpoint
CREATE INDEX "cm_records_activity" ON "cm_hour_records" USING btree ("tenant_id","activity_id");--> statement-breakpoint
CREATE INDEX "cm_records_posted" ON "cm_hour_records" USING btree ("tenant_id","posted_at");--> statement-breakpoint
CREATE INDEX "cm_members_grid" ON "cm_members" USING btree ("tenant_id","grid_id");--> statement-breakpoint
CREATE INDEX "cm_members_status" ON "cm_members" USING btree ("tenant_id","status","id");--> statement-breakpoint
CREATE INDEX "cm_org_members_member" ON "cm_organisation_members" USING btree ("tenant_id","member_id");