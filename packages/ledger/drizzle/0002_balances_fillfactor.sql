-- Balance rows are updated on every write: leave room in each page so updates stay HOT
-- (no new index entries, no page splits).
ALTER TABLE "tb_balances" SET (fillfactor = 70);
