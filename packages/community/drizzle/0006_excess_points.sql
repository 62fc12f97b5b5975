ALTER TABLE "cm_hour_records" ADD COLUMN "excess_points" bigint;
