-- One plain earn/transfer/redeem in one round trip. The ledger plans the move
-- in TypeScript (planMove) and calls this to lock, check and write it. The
-- check is a guard, not the rules: it writes only when both accounts are open
-- and the bounds hold without counting expired holds (which can only free
-- more), so it never accepts what planBatch would refuse. Anything else comes
-- back undone ('check', 'missing', 'exists') and the ledger takes its full path,
-- which gives the precise answer.
CREATE OR REPLACE FUNCTION tb_move(
  p_tenant text, p_id text, p_type text, p_from text, p_to text, p_asset text, p_amount int8,
  p_from_hot boolean, p_from_floor int8, p_to_hot boolean, p_to_ceiling int8,
  p_hash text, p_metadata jsonb, p_now timestamptz, p_offset int,
  OUT o_outcome text, OUT o_at timestamptz
) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  r record;
  v_at timestamptz := p_now;
  f_row tid; f_status text; f_posted int8; f_pending int8;
  t_row tid; t_status text; t_posted int8; t_pending int8;
BEGIN
  -- Bounded sides first, in account order like every other writer, so writers never deadlock.
  FOR r IN
    SELECT b.account_id, b.ctid, b.status, b.posted, b.pending_out, b.pending_in, b.last_write_at
    FROM tb_balances b
    WHERE b.tenant_id = p_tenant AND b.shard = 0
      AND b.account_id = ANY (ARRAY[CASE WHEN p_from_hot THEN NULL ELSE p_from END, CASE WHEN p_to_hot THEN NULL ELSE p_to END])
    ORDER BY b.account_id
    FOR UPDATE
  LOOP
    IF r.account_id = p_from THEN
      f_row := r.ctid; f_status := r.status; f_posted := r.posted; f_pending := r.pending_out;
    ELSE
      t_row := r.ctid; t_status := r.status; t_posted := r.posted; t_pending := r.pending_in;
    END IF;
    -- Never stamp a write before the last one on a bounded account (clocks of processes may disagree).
    IF r.last_write_at > v_at THEN v_at := r.last_write_at; END IF;
  END LOOP;
  -- A hot side (never both: the ledger sends no such move): any shard nobody holds, so concurrent
  -- writers spread over the shards; only when all are held, wait for one. Bounded locks come first,
  -- as on every path, so this wait closes no cycle.
  IF p_from_hot OR p_to_hot THEN
    SELECT b.ctid, b.status INTO r FROM tb_balances b
    WHERE b.tenant_id = p_tenant AND b.account_id = CASE WHEN p_from_hot THEN p_from ELSE p_to END
    ORDER BY (b.shard + p_offset) % 16 LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      SELECT b.ctid, b.status INTO r FROM tb_balances b
      WHERE b.tenant_id = p_tenant AND b.account_id = CASE WHEN p_from_hot THEN p_from ELSE p_to END
      ORDER BY (b.shard + p_offset) % 16 LIMIT 1 FOR UPDATE;
    END IF;
    IF FOUND AND p_from_hot THEN f_row := r.ctid; f_status := r.status; END IF;
    IF FOUND AND NOT p_from_hot THEN t_row := r.ctid; t_status := r.status; END IF;
  END IF;
  IF f_row IS NULL OR t_row IS NULL THEN
    o_outcome := 'missing'; RETURN;
  END IF;
  IF f_status <> 'open' OR t_status <> 'open'
     OR (p_from_floor IS NOT NULL AND f_posted - f_pending - p_amount < p_from_floor)
     OR (p_to_ceiling IS NOT NULL AND t_posted + t_pending + p_amount > p_to_ceiling) THEN
    o_outcome := 'check'; RETURN;
  END IF;

  INSERT INTO tb_transfers (tenant_id, id, type, from_account, to_account, asset, amount, pending, status,
                            pending_id, reverses_id, expires_at, resolved_at, request_hash, metadata, created_at)
  VALUES (p_tenant, p_id, p_type, p_from, p_to, p_asset, p_amount, false, 'posted',
          NULL, NULL, NULL, NULL, p_hash, p_metadata, v_at)
  ON CONFLICT (tenant_id, id) DO NOTHING;
  IF NOT FOUND THEN
    o_outcome := 'exists'; RETURN;
  END IF;
  INSERT INTO tb_entries (tenant_id, account_id, transfer_id, amount, balance_after, created_at)
  VALUES (p_tenant, p_from, p_id, -p_amount, CASE WHEN p_from_hot THEN NULL ELSE f_posted - p_amount END, v_at),
         (p_tenant, p_to, p_id, p_amount, CASE WHEN p_to_hot THEN NULL ELSE t_posted + p_amount END, v_at);
  UPDATE tb_balances SET posted = posted - p_amount, last_write_at = v_at
  WHERE ctid = f_row AND tenant_id = p_tenant AND account_id = p_from;
  UPDATE tb_balances SET posted = posted + p_amount, last_write_at = v_at
  WHERE ctid = t_row AND tenant_id = p_tenant AND account_id = p_to;
  o_outcome := 'ok'; o_at := v_at;
END
$$;
