/**
 * The same transfer as one round trip: a plpgsql function created in the
 * bench schema (dropped with it), called as one autocommitted statement.
 *
 * @example
 * await createTransferFunction(conn)
 * await functionTransfer(conn, { tenantId: 'bench', id: 'fn-1', from: 'm00001', to: 'm00002', amount: 1n })
 */
import type { Conn } from './conn.js'
import type { SqlTransfer } from './transfer.js'

const CREATE = `
create or replace function bench_transfer(p_tenant text, p_id text, p_from text, p_to text, p_amount int8)
returns void language plpgsql as $fn$
declare
  v_from int8;
  v_to int8;
begin
  perform 1 from tb_balances
    where tenant_id = p_tenant and shard = 0 and account_id in (p_from, p_to)
    order by account_id for update;
  update tb_balances set posted = posted - p_amount
    where tenant_id = p_tenant and account_id = p_from and shard = 0 returning posted into v_from;
  if v_from is null then raise exception 'account % not found', p_from; end if;
  if v_from < 0 then raise exception 'insufficient funds in %', p_from using errcode = 'P0001'; end if;
  update tb_balances set posted = posted + p_amount
    where tenant_id = p_tenant and account_id = p_to and shard = 0 returning posted into v_to;
  if v_to is null then raise exception 'account % not found', p_to; end if;
  insert into tb_transfers (tenant_id, id, type, from_account, to_account, asset, amount, pending, status, request_hash, metadata, created_at)
    values (p_tenant, p_id, 'transfer', p_from, p_to, 'HOUR', p_amount, false, 'posted', 'sql-function', '{}'::jsonb, now());
  insert into tb_entries (tenant_id, account_id, transfer_id, amount, balance_after, created_at)
    values (p_tenant, p_from, p_id, -p_amount, v_from, now()), (p_tenant, p_to, p_id, p_amount, v_to, now());
end
$fn$`

export async function createTransferFunction(conn: Conn): Promise<void> {
  await conn.query(CREATE)
}

export async function functionTransfer(conn: Conn, t: SqlTransfer): Promise<void> {
  await conn.query('select bench_transfer($1, $2, $3, $4, $5::int8)', [t.tenantId, t.id, t.from, t.to, t.amount.toString()])
}
