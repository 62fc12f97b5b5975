ALTER TABLE "cm_hour_records" ADD COLUMN "adjusted_by" text;--> statement-breakpoint
ALTER TABLE "cm_hour_records" ADD COLUMN "reason" text;