-- The first move (1-based) that debits or credits the account at position p.
CREATE OR REPLACE FUNCTION tb_first_move_of(p int, m_from int[], m_to int[]) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
  SELECT min(u.k)::int FROM unnest(m_from, m_to) WITH ORDINALITY AS u(f, t, k) WHERE u.f = p OR u.t = p
$$;
--> statement-breakpoint
-- Plain earns, transfers and redemptions (one, or an atomic batch of them) in
-- one round trip. The ledger plans the moves in TypeScript (planMoves) and
-- calls this to lock, check and write them. The check is a guard, not the
-- rules: it writes only when every account is open and every bound holds after
-- each move in order, counting every open hold (expired ones too, which can
-- only free more), so it never accepts what planBatch would refuse. Otherwise
-- it writes nothing and says why ('check', 'missing'), and the ledger takes its
-- full path, which gives the precise answer; an id already taken comes back as
-- 'exists' (or, when taken concurrently, as the primary key's unique violation).
-- o_failed names the move the answer is about (1-based), so a caller that
-- coalesced independent requests can set that one aside and send the rest again.
--
-- Accounts are passed once each (a_*); moves name them by position (m_from, m_to).
-- Moves of several tenants may go in one call (concurrent single requests
-- coalesced); each move's accounts are of its own tenant.
CREATE OR REPLACE FUNCTION tb_move(
  p_now timestamptz, p_offset int,
  a_tenant text[], a_id text[], a_hot boolean[], a_floor int8[], a_ceiling int8[],
  m_id text[], m_type text[], m_from int[], m_to int[], m_asset text[], m_amount int8[], m_hash text[], m_metadata jsonb[],
  OUT o_outcome text, OUT o_at timestamptz, OUT o_failed int
) LANGUAGE plpgsql AS $$
DECLARE
  r record;
  n_a int := cardinality(a_id);
  n_m int := cardinality(m_id);
  v_at timestamptz := p_now;
  v_row tid[] := array_fill(NULL::tid, ARRAY[n_a]);
  v_posted int8[] := array_fill(0::int8, ARRAY[n_a]);
  v_out int8[] := array_fill(0::int8, ARRAY[n_a]);
  v_in int8[] := array_fill(0::int8, ARRAY[n_a]);
  e_from int8[] := array_fill(NULL::int8, ARRAY[n_m]);
  e_to int8[] := array_fill(NULL::int8, ARRAY[n_m]);
  h_row tid; h_status text; h_posted int8;
  i int; f int; t int; n int;
BEGIN
  -- Ids already taken: a replay or a conflict, for the full path to tell. (A probe per move; the
  -- lateral keeps it one, whatever the statistics.)
  SELECT min(u.k) INTO o_failed
  FROM unnest(m_id, m_from) WITH ORDINALITY AS u(id, f, k)
  CROSS JOIN LATERAL (SELECT 1 FROM tb_transfers x WHERE x.tenant_id = a_tenant[u.f] AND x.id = u.id LIMIT 1) AS taken;
  IF o_failed IS NOT NULL THEN o_outcome := 'exists'; RETURN; END IF;

  -- Bounded accounts first, in byte order of (tenant, account) like every other writer, so writers
  -- never deadlock. One index probe per account (the lateral LIMIT keeps it so, whatever the
  -- statistics: a scan of the tenant would cost every single transfer the tenant's size).
  FOR r IN
    SELECT k.i, b.ctid, b.status, b.posted, b.pending_out, b.pending_in, b.last_write_at
    FROM (
      SELECT x.t, x.id, x.i FROM unnest(a_tenant, a_id, a_hot) WITH ORDINALITY AS x(t, id, hot, i)
      WHERE NOT x.hot ORDER BY x.t COLLATE "C", x.id COLLATE "C"
    ) k
    CROSS JOIN LATERAL (
      SELECT b.ctid, b.status, b.posted, b.pending_out, b.pending_in, b.last_write_at FROM tb_balances b
      WHERE b.tenant_id = k.t AND b.account_id = k.id AND b.shard = 0
      LIMIT 1 FOR UPDATE
    ) b
  LOOP
    i := r.i;
    IF r.status <> 'open' THEN o_outcome := 'check'; o_failed := tb_first_move_of(i, m_from, m_to); RETURN; END IF;
    v_row[i] := r.ctid; v_posted[i] := r.posted; v_out[i] := r.pending_out; v_in[i] := r.pending_in;
    -- Never stamp a write before the last one on a bounded account (clocks of processes may disagree).
    IF r.last_write_at > v_at THEN v_at := r.last_write_at; END IF;
  END LOOP;
  -- Hot accounts: any shard nobody holds, so concurrent writers spread over the shards; only when
  -- all are held, wait for one. Bounded locks come first, as on every path; hot ones in byte order too.
  FOR r IN
    SELECT x.t, x.id, x.i FROM unnest(a_tenant, a_id, a_hot) WITH ORDINALITY AS x(t, id, hot, i)
    WHERE x.hot ORDER BY x.t COLLATE "C", x.id COLLATE "C"
  LOOP
    SELECT b.ctid, b.status, b.posted INTO h_row, h_status, h_posted FROM tb_balances b
    WHERE b.tenant_id = r.t AND b.account_id = r.id
    ORDER BY (b.shard + p_offset) % 16 LIMIT 1 FOR UPDATE SKIP LOCKED; -- 16: SHARDS in schema.ts
    IF NOT FOUND THEN
      SELECT b.ctid, b.status, b.posted INTO h_row, h_status, h_posted FROM tb_balances b
      WHERE b.tenant_id = r.t AND b.account_id = r.id
      ORDER BY (b.shard + p_offset) % 16 LIMIT 1 FOR UPDATE;
      IF NOT FOUND THEN o_outcome := 'missing'; o_failed := tb_first_move_of(r.i::int, m_from, m_to); RETURN; END IF;
    END IF;
    IF h_status <> 'open' THEN o_outcome := 'check'; o_failed := tb_first_move_of(r.i::int, m_from, m_to); RETURN; END IF;
    v_row[r.i] := h_row; v_posted[r.i] := h_posted;
  END LOOP;
  i := array_position(v_row, NULL);
  IF i IS NOT NULL THEN o_outcome := 'missing'; o_failed := tb_first_move_of(i, m_from, m_to); RETURN; END IF;

  -- The moves in order, each seeing the ones before it.
  FOR i IN 1..n_m LOOP
    f := m_from[i]; t := m_to[i];
    v_posted[f] := v_posted[f] - m_amount[i];
    v_posted[t] := v_posted[t] + m_amount[i];
    IF (a_floor[f] IS NOT NULL AND v_posted[f] - v_out[f] < a_floor[f])
       OR (a_ceiling[t] IS NOT NULL AND v_posted[t] + v_in[t] > a_ceiling[t]) THEN
      o_outcome := 'check'; o_failed := i; RETURN;
    END IF;
    IF NOT a_hot[f] THEN e_from[i] := v_posted[f]; END IF;
    IF NOT a_hot[t] THEN e_to[i] := v_posted[t]; END IF;
  END LOOP;

  INSERT INTO tb_transfers (tenant_id, id, type, from_account, to_account, asset, amount, pending, status,
                            pending_id, reverses_id, expires_at, resolved_at, request_hash, metadata, created_at)
  SELECT a_tenant[u.f], u.id, u.type, a_id[u.f], a_id[u.t], u.asset, u.amount, false, 'posted',
         NULL, NULL, NULL, NULL, u.hash, u.metadata, v_at
  FROM unnest(m_id, m_type, m_from, m_to, m_asset, m_amount, m_hash, m_metadata) AS u(id, type, f, t, asset, amount, hash, metadata);
  -- Entries in the order the full path writes them: each move's debit, then its credit.
  INSERT INTO tb_entries (tenant_id, account_id, transfer_id, amount, balance_after, created_at)
  SELECT a_tenant[s.acc], a_id[s.acc], u.id, s.amount, s.after, v_at
  FROM unnest(m_id, m_from, m_to, m_amount, e_from, e_to) WITH ORDINALITY AS u(id, f, t, amount, after_from, after_to, i)
  CROSS JOIN LATERAL (VALUES (1, u.f, -u.amount, u.after_from), (2, u.t, u.amount, u.after_to)) AS s(side, acc, amount, after)
  ORDER BY u.i, s.side;
  -- Every row locked above is written, by its address: a TID lookup per row. (No `ctid = ANY(v_row)`
  -- besides: as a filter on each lookup it made a batch of n moves cost n^2 comparisons.)
  UPDATE tb_balances b SET posted = u.posted, last_write_at = v_at
  FROM unnest(v_row, v_posted) AS u(row_id, posted)
  WHERE b.ctid = u.row_id;
  -- Every locked row must have been written; anything else is a conflict to retry (never seen).
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n <> n_a THEN RAISE EXCEPTION 'tb_move wrote % of % balance rows', n, n_a USING ERRCODE = 'serialization_failure'; END IF;
  o_outcome := 'ok'; o_at := v_at;
END
$$;
