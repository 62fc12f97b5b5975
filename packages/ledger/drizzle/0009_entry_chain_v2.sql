-- The entry chain's form 2 (issue 11): a binary preimage, cheaper to build than form 1's text, which
-- names the chain (tenant, account, shard) once, in a seed standing in for the predecessor of its
-- first entry, instead of in every entry. tb_chain_seed, tb_entry_stamp and tb_entry_hash2 are the SQL
-- form of chainSeed/entryBytes in src/domain/chain.ts: change both or neither. Entries written before
-- keep their form-1 hashes (never rewritten); verifiers accept either form (see advance in chain.ts).
-- tb_chain_prefix and tb_entry_hash (0006) stay, unused by writers: they say what form 1 was.
-- Declared STABLE like convert_to, so the planner inlines them into tb_move's expressions.
CREATE FUNCTION tb_chain_seed(p_tenant text, p_account text, p_shard int) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT sha256('\x74623263'::bytea || int4send(p_shard) || int4send(octet_length(p_tenant))
                || convert_to(p_tenant, 'UTF8') || convert_to(p_account, 'UTF8'))
$$;
--> statement-breakpoint
-- The part of an entry's preimage every entry of one call shares: the tag 'tb2e' and the instant.
CREATE FUNCTION tb_entry_stamp(p_at_us int8) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT '\x74623265'::bytea || int8send(p_at_us)
$$;
--> statement-breakpoint
-- p_prev: the previous entry's hash, or the chain's seed; p_transfer: the transfer id in UTF-8.
CREATE FUNCTION tb_entry_hash2(p_stamp bytea, p_prev bytea, p_amount int8, p_after int8, p_transfer bytea) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT sha256(p_stamp || p_prev || int8send(p_amount)
                || coalesce('\x01'::bytea || int8send(p_after), '\x00'::bytea) || p_transfer)
$$;
--> statement-breakpoint
-- tb_move (0008), its signature unchanged, now writes form 2.
CREATE OR REPLACE FUNCTION tb_move(
  p_now timestamptz, p_offset int,
  a_tenant text[], a_id text[], a_hot boolean[],
  m_id text[], m_type text[], m_from int[], m_to int[], m_asset text[], m_amount int8[], m_hash text[], m_metadata jsonb[],
  OUT o_outcome text, OUT o_at timestamptz, OUT o_failed int,
  OUT o_status text[], OUT o_posted int8[], OUT o_out int8[], OUT o_in int8[], OUT o_expired_out int8[], OUT o_expired_in int8[],
  OUT o_floor int8[], OUT o_ceiling int8[]
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
  v_floor int8[] := array_fill(NULL::int8, ARRAY[n_a]);
  v_ceiling int8[] := array_fill(NULL::int8, ARRAY[n_a]);
  v_shard int[] := array_fill(0, ARRAY[n_a]);
  v_head bytea[] := array_fill(NULL::bytea, ARRAY[n_a]);
  v_count int8[] := array_fill(0::int8, ARRAY[n_a]);
  v_stamp bytea;
  v_transfer bytea;
  e_from int8[] := array_fill(NULL::int8, ARRAY[n_m]);
  e_to int8[] := array_fill(NULL::int8, ARRAY[n_m]);
  k_from bytea[] := array_fill(NULL::bytea, ARRAY[n_m]);
  k_to bytea[] := array_fill(NULL::bytea, ARRAY[n_m]);
  h_row tid; h_status text; h_posted int8; h_shard int; h_head bytea; h_count int8; x_out int8; x_in int8;
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
    SELECT k.i, b.ctid, b.status, b.posted, b.pending_out, b.pending_in, b.last_write_at, b.chain_head, b.chain_count, b.floor, b.ceiling
    FROM (
      SELECT x.t, x.id, x.i FROM unnest(a_tenant, a_id, a_hot) WITH ORDINALITY AS x(t, id, hot, i)
      WHERE NOT x.hot ORDER BY x.t COLLATE "C", x.id COLLATE "C"
    ) k
    CROSS JOIN LATERAL (
      SELECT b.ctid, b.status, b.posted, b.pending_out, b.pending_in, b.last_write_at, b.chain_head, b.chain_count, b.floor, b.ceiling
      FROM tb_balances b
      WHERE b.tenant_id = k.t AND b.account_id = k.id AND b.shard = 0
      LIMIT 1 FOR UPDATE
    ) b
  LOOP
    i := r.i;
    v_row[i] := r.ctid; v_status[i] := r.status; v_posted[i] := r.posted; v_out[i] := r.pending_out; v_in[i] := r.pending_in;
    v_head[i] := r.chain_head; v_count[i] := r.chain_count;
    -- The limits in force are the ones on the locked row: a change (changeLimits) writes them under this lock.
    v_floor[i] := r.floor; v_ceiling[i] := r.ceiling;
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
    SELECT b.ctid, b.status, b.posted, b.shard, b.chain_head, b.chain_count INTO h_row, h_status, h_posted, h_shard, h_head, h_count FROM tb_balances b
    WHERE b.tenant_id = r.t AND b.account_id = r.id
    ORDER BY (b.shard + p_offset) % 16 LIMIT 1 FOR UPDATE SKIP LOCKED; -- 16: SHARDS in schema.ts
    IF NOT FOUND THEN
      SELECT b.ctid, b.status, b.posted, b.shard, b.chain_head, b.chain_count INTO h_row, h_status, h_posted, h_shard, h_head, h_count FROM tb_balances b
      WHERE b.tenant_id = r.t AND b.account_id = r.id
      ORDER BY (b.shard + p_offset) % 16 LIMIT 1 FOR UPDATE;
      IF NOT FOUND THEN o_outcome := 'missing'; o_failed := tb_first_move_of(r.i::int, m_from, m_to); RETURN; END IF;
    END IF;
    v_row[r.i] := h_row; v_status[r.i] := h_status; v_posted[r.i] := h_posted;
    v_shard[r.i] := h_shard; v_head[r.i] := h_head; v_count[r.i] := h_count;
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
      IF (v_floor[f] IS NOT NULL AND v_posted[f] - v_out[f] < v_floor[f])
         OR (v_ceiling[t] IS NOT NULL AND v_posted[t] + v_in[t] > v_ceiling[t]) THEN
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
    o_status := v_status; o_out := v_out; o_in := v_in; o_floor := v_floor; o_ceiling := v_ceiling;
    o_outcome := 'check'; o_at := v_at;
    RETURN;
  END IF;
  o_posted := NULL;

  -- Chain each entry to the one before it under the same balance row (locked above), in the order
  -- they are inserted below: each move's debit, then its credit. Form 2: the instant's part once per
  -- call, a transfer id's bytes once per move, a chain's seed only where the chain starts.
  v_stamp := tb_entry_stamp((extract(epoch FROM v_at) * 1000000)::int8);
  FOR i IN 1..n_m LOOP
    f := m_from[i]; t := m_to[i]; v_transfer := convert_to(m_id[i], 'UTF8');
    v_head[f] := tb_entry_hash2(v_stamp, coalesce(v_head[f], tb_chain_seed(a_tenant[f], a_id[f], v_shard[f])),
                                -m_amount[i], e_from[i], v_transfer);
    k_from[i] := v_head[f];
    v_head[t] := tb_entry_hash2(v_stamp, coalesce(v_head[t], tb_chain_seed(a_tenant[t], a_id[t], v_shard[t])),
                                m_amount[i], e_to[i], v_transfer);
    k_to[i] := v_head[t];
    v_count[f] := v_count[f] + 1; v_count[t] := v_count[t] + 1;
  END LOOP;

  INSERT INTO tb_transfers (tenant_id, id, type, from_account, to_account, asset, amount, pending, status,
                            pending_id, reverses_id, expires_at, resolved_at, request_hash, metadata, created_at)
  SELECT a_tenant[u.f], u.id, u.type, a_id[u.f], a_id[u.t], u.asset, u.amount, false, 'posted',
         NULL, NULL, NULL, NULL, u.hash, u.metadata, v_at
  FROM unnest(m_id, m_type, m_from, m_to, m_asset, m_amount, m_hash, m_metadata) AS u(id, type, f, t, asset, amount, hash, metadata);
  -- Entries in the order the full path writes them: each move's debit, then its credit.
  INSERT INTO tb_entries (tenant_id, account_id, transfer_id, amount, balance_after, created_at, shard, hash)
  SELECT a_tenant[s.acc], a_id[s.acc], u.id, s.amount, s.after, v_at, v_shard[s.acc], s.hash
  FROM unnest(m_id, m_from, m_to, m_amount, e_from, e_to, k_from, k_to)
         WITH ORDINALITY AS u(id, f, t, amount, after_from, after_to, hash_from, hash_to, i)
  CROSS JOIN LATERAL (VALUES (1, u.f, -u.amount, u.after_from, u.hash_from), (2, u.t, u.amount, u.after_to, u.hash_to))
    AS s(side, acc, amount, after, hash)
  ORDER BY u.i, s.side;
  -- Every row locked above is written, by its address: a TID lookup per row. (No `ctid = ANY(v_row)`
  -- besides: as a filter on each lookup it made a batch of n moves cost n^2 comparisons.)
  UPDATE tb_balances b SET posted = u.posted, last_write_at = v_at, chain_head = u.head, chain_count = u.n
  FROM unnest(v_row, v_posted, v_head, v_count) AS u(row_id, posted, head, n)
  WHERE b.ctid = u.row_id;
  -- Every locked row must have been written; anything else is a conflict to retry (never seen).
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n <> n_a THEN RAISE EXCEPTION 'tb_move wrote % of % balance rows', n, n_a USING ERRCODE = 'serialization_failure'; END IF;
  o_outcome := 'ok'; o_at := v_at;
END
$$;
