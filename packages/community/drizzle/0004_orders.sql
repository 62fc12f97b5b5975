CREATE TABLE "cm_services" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"hours" bigint NOT NULL,
	"active" boolean NOT NULL,
	"deadline_hours" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"request_hash" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	"updated_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_services_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cm_orders" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"service_id" text NOT NULL,
	"resident_id" text NOT NULL,
	"hours" bigint NOT NULL,
	"payer" text NOT NULL,
	"provider_type" text,
	"provider_id" text,
	"status" text NOT NULL,
	"status_since" timestamp (6) with time zone NOT NULL,
	"deadline_at" timestamp (6) with time zone,
	"deadline_hours" jsonb NOT NULL,
	"settle_kind" text,
	"settle_amount" bigint,
	"settle_to" text,
	"settle_from" text,
	"held_at" timestamp (6) with time zone,
	"settled_hours" bigint,
	"note" text,
	"version" integer NOT NULL,
	"last_request" text,
	"reason" text,
	"created_by" text NOT NULL,
	"request_hash" text,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "cm_orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cm_order_events" (
	"tenant_id" text NOT NULL,
	"order_id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "cm_order_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp (6) with time zone NOT NULL,
	"detail" jsonb NOT NULL,
	CONSTRAINT "cm_order_events_tenant_id_order_id_seq_pk" PRIMARY KEY("tenant_id","order_id","seq")
);
--> statement-breakpoint
CREATE INDEX "cm_orders_due" ON "cm_orders" USING btree ("tenant_id","deadline_at");--> statement-breakpoint
CREATE INDEX "cm_orders_status" ON "cm_orders" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "cm_orders_resident" ON "cm_orders" USING btree ("tenant_id","resident_id");--> statement-breakpoint
CREATE INDEX "cm_orders_provider" ON "cm_orders" USING btree ("tenant_id","provider_type","provider_id");
