CREATE TABLE "tb_checkpoint_heads" (
	"tenant_id" text NOT NULL,
	"checkpoint" bigint NOT NULL,
	"account_id" text NOT NULL,
	"shard" smallint NOT NULL,
	"head" bytea,
	"count" bigint NOT NULL,
	CONSTRAINT "tb_checkpoint_heads_tenant_id_checkpoint_account_id_shard_pk" PRIMARY KEY("tenant_id","checkpoint","account_id","shard")
);
--> statement-breakpoint
CREATE TABLE "tb_checkpoints" (
	"tenant_id" text NOT NULL,
	"number" bigint NOT NULL,
	"at" timestamp (6) with time zone NOT NULL,
	"root" bytea NOT NULL,
	"previous_root" bytea,
	"chains" bigint NOT NULL,
	"entries" bigint NOT NULL,
	"signature" text NOT NULL,
	CONSTRAINT "tb_checkpoints_tenant_id_number_pk" PRIMARY KEY("tenant_id","number")
);
