CREATE TABLE "tb_accounts" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"asset" text NOT NULL,
	"owner_type" text NOT NULL,
	"owner_id" text NOT NULL,
	"kind" text NOT NULL,
	"floor" bigint,
	"ceiling" bigint,
	"shards" smallint NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tb_accounts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "tb_assets" (
	"tenant_id" text NOT NULL,
	"code" text NOT NULL,
	"scale" smallint NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tb_assets_tenant_id_code_pk" PRIMARY KEY("tenant_id","code")
);
--> statement-breakpoint
CREATE TABLE "tb_balances" (
	"tenant_id" text NOT NULL,
	"account_id" text NOT NULL,
	"shard" smallint NOT NULL,
	"status" text NOT NULL,
	"posted" bigint DEFAULT 0 NOT NULL,
	"pending_out" bigint DEFAULT 0 NOT NULL,
	"pending_in" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "tb_balances_tenant_id_account_id_shard_pk" PRIMARY KEY("tenant_id","account_id","shard")
);
--> statement-breakpoint
CREATE TABLE "tb_entries" (
	"tenant_id" text NOT NULL,
	"account_id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "tb_entries_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"transfer_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"balance_after" bigint,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "tb_entries_tenant_id_account_id_seq_pk" PRIMARY KEY("tenant_id","account_id","seq")
);
--> statement-breakpoint
CREATE TABLE "tb_tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tb_transfers" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"from_account" text NOT NULL,
	"to_account" text NOT NULL,
	"asset" text NOT NULL,
	"amount" bigint NOT NULL,
	"pending" boolean NOT NULL,
	"status" text NOT NULL,
	"pending_id" text,
	"reverses_id" text,
	"expires_at" timestamp (6) with time zone,
	"resolved_at" timestamp (6) with time zone,
	"request_hash" text NOT NULL,
	"metadata" jsonb NOT NULL,
	"created_at" timestamp (6) with time zone NOT NULL,
	CONSTRAINT "tb_transfers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE INDEX "tb_accounts_owner" ON "tb_accounts" USING btree ("tenant_id","owner_type","owner_id","id");--> statement-breakpoint
CREATE INDEX "tb_entries_at" ON "tb_entries" USING btree ("tenant_id","account_id","created_at","seq");--> statement-breakpoint
CREATE INDEX "tb_transfers_reverses" ON "tb_transfers" USING btree ("tenant_id","reverses_id") WHERE reverses_id is not null;--> statement-breakpoint
CREATE INDEX "tb_transfers_holds_from" ON "tb_transfers" USING btree ("tenant_id","from_account","created_at") WHERE pending;--> statement-breakpoint
CREATE INDEX "tb_transfers_holds_to" ON "tb_transfers" USING btree ("tenant_id","to_account","created_at") WHERE pending;--> statement-breakpoint
CREATE INDEX "tb_transfers_open_holds" ON "tb_transfers" USING btree ("tenant_id","expires_at") WHERE status = 'pending';