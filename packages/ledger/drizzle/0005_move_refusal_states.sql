-- tb_move (0003) answered 'check' at the first account it could not vouch for and left the precise
-- answer to the ledger's full path: two or three more round trips for every refused transfer. Now it
-- locks every account first and, when it cannot write, also returns what it saw under those locks:
-- each account's status, posted balance, open holds and the part of them past their timeout (as of
-- o_at). The ledger plans the request on that state with its pure rules (planBatch): a refusal is
-- then final in this one round trip (the ids were checked free under the same locks); only when the
-- rules would accept what the guard could not vouch for does the full path run.
-- The states are as locked, before any of the call's moves; hot accounts report one shard's posted
-- balance, which no rule reads (they have no bounds).
DROP FUNCTION IF EXISTS tb_move(timestamptz, int, text[], text[], boolean[], int8[], int8[], text[], text[], int[], int[], text[], int8[], text[], jsonb[]);
--> statement-breakpoint
CREATE FUNCTION tb_move(
  p_now timestamptz, p_offset int,
  a_tenant text[], a_id text[], a_hot boolean[], a_floor int8[], a_ceiling int8[],
  m_id text[], m_type text[], m_from int[], m_to int[], m_asset text[], m_amount int8[], m_hash text[], m_metadata jsonb[],
  OUT o_outcome text, OUT o_at timestamptz, OUT o_failed int,
  OUT o_status text[], OUT o_posted int8[], OUT o_out int8[], OUT o_in int8[], OUT o_expired_out int8[], OUT o_expired_in int8[]
) LANGUAGE plpgsql AS $$
DECLARE
  r record;
  n_a int := cardinality(a_id);
  n_m int := cardinality(m_id);
  v_at timestamptz := p_now;
  v_row tid[] := array_fill(NULL::tid, ARRAY[n_a]);
  v_status text[] := array_fill(NULL::text, ARRAY[n_a]);
  v_posted int8[] := array_fill(0::int8, ARRAY[n_a]);
  v_out int8[] := array_fill(0::int8, ARRAY[n_a]);
  v_in int8[] := array_fill(0::int8, ARRAY[n_a]);
  e_from int8[] := array_fill(NULL::int8, ARRAY[n_m]);
  e_to int8[] := array_fill(NULL::int8, ARRAY[n_m]);
  h_row tid; h_status text; h_posted int8; x_out int8; x_in int8;
  v_closed boolean := false;
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
    v_row[i] := r.ctid; v_status[i] := r.status; v_posted[i] := r.posted; v_out[i] := r.pending_out; v_in[i] := r.pending_in;
    IF r.status <> 'open' THEN v_closed := true; END IF;
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
    v_row[r.i] := h_row; v_status[r.i] := h_status; v_posted[r.i] := h_posted;
    IF h_status <> 'open' THEN v_closed := true; END IF;
  END LOOP;
  i := array_position(v_row, NULL);
  IF i IS NOT NULL THEN o_outcome := 'missing'; o_failed := tb_first_move_of(i, m_from, m_to); RETURN; END IF;

  -- Posted balances as locked, for the ledger to decide a refusal on (the loop below moves v_posted).
  o_posted := v_posted;

  -- An account not open: the first move that touches one. (Only then a query: the common case costs nothing.)
  IF v_closed THEN
    SELECT min(tb_first_move_of(s.k::int, m_from, m_to)) INTO o_failed
    FROM unnest(v_status) WITH ORDINALITY AS s(st, k) WHERE s.st <> 'open';
  ELSE
    -- The moves in order, each seeing the ones before it.
    FOR i IN 1..n_m LOOP
      f := m_from[i]; t := m_to[i];
      v_posted[f] := v_posted[f] - m_amount[i];
      v_posted[t] := v_posted[t] + m_amount[i];
      IF (a_floor[f] IS NOT NULL AND v_posted[f] - v_out[f] < a_floor[f])
         OR (a_ceiling[t] IS NOT NULL AND v_posted[t] + v_in[t] > a_ceiling[t]) THEN
        o_failed := i; EXIT;
      END IF;
      IF NOT a_hot[f] THEN e_from[i] := v_posted[f]; END IF;
      IF NOT a_hot[t] THEN e_to[i] := v_posted[t]; END IF;
    END LOOP;
  END IF;

  IF o_failed IS NOT NULL THEN
    -- Open holds past their timeout reserve nothing: the rules need how much of each account's that is.
    o_expired_out := array_fill(0::int8, ARRAY[n_a]);
    o_expired_in := array_fill(0::int8, ARRAY[n_a]);
    FOR i IN 1..n_a LOOP
      IF NOT a_hot[i] AND (v_out[i] <> 0 OR v_in[i] <> 0) THEN
        SELECT coalesce(sum(x.amount) FILTER (WHERE x.from_account = a_id[i]), 0),
               coalesce(sum(x.amount) FILTER (WHERE x.to_account = a_id[i]), 0)
        INTO x_out, x_in
        FROM tb_transfers x
        WHERE x.tenant_id = a_tenant[i] AND x.pending AND x.status = 'pending' AND x.expires_at <= v_at
          AND (x.from_account = a_id[i] OR x.to_account = a_id[i]);
        o_expired_out[i] := x_out; o_expired_in[i] := x_in;
      END IF;
    END LOOP;
    o_status := v_status; o_out := v_out; o_in := v_in;
    o_outcome := 'check'; o_at := v_at;
    RETURN;
  END IF;
  o_posted := NULL;

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
