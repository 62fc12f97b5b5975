/**
 * Setting up a community on a ledger tenant: the tenant (made when missing)
 * with the community's assets (HOUR, POINT and LIFETIME_HOUR), the settings,
 * an Ed25519 key pair for certificates, and points rule version 1. Running it
 * again changes nothing and returns what is there.
 *
 * @example
 * const { community } = await setUp(ctx, { tenantId: 'maple', name: 'Maple Street', settings: { timeZone: 'Asia/Shanghai' } })
 */
import { generateKeyPairSync } from 'node:crypto'
import { ErrorCode, Id, isLedgerError } from '@timebank/ledger'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from './context.js'
import { CommunityError, CommunityErrorCode } from './domain/errors.js'
import { ASSETS, COMMUNITY_ASSETS, COMMUNITY_OWNER, poolAccount } from './domain/ids.js'
import { openExpiryAccount } from './expiry/account.js'
import { DEFAULT_POINTS_RULE } from './domain/points.js'
import { CommunitySettings } from './domain/settings.js'
import { parse } from './domain/validate.js'
import { firstPolicy } from './policies.js'
import { communities, pointRules } from './storage/schema.js'

export const SetUpInput = z.strictObject({
  tenantId: Id,
  /** The community's name, for a tenant made here. */
  name: z.string().min(1).max(200),
  settings: CommunitySettings.partial().optional(),
})
export type SetUpInput = z.input<typeof SetUpInput>

export const UpdateSettingsInput = z.strictObject({ tenantId: Id, settings: CommunitySettings.partial() })
export type UpdateSettingsInput = z.input<typeof UpdateSettingsInput>

/** A community as shown: its settings and the public key that verifies its certificates. */
export interface CommunityView {
  tenantId: string
  name: string
  settings: CommunitySettings
  /** Ed25519 public key, SPKI DER, base64. */
  publicKey: string
  createdAt: Date
}

async function ensureTenant(ctx: CommunityContext, tenantId: string, name: string): Promise<string> {
  try {
    return (await ctx.ledger.createTenant({ id: tenantId, name, assets: [...COMMUNITY_ASSETS] })).tenant.name
  } catch (e) {
    if (!isLedgerError(e) || e.code !== ErrorCode.TENANT_EXISTS) throw e
  }
  // A tenant made otherwise (e.g. with the ledger's defaults): add what is missing, refuse other scales.
  const tenant = await ctx.ledger.getTenant({ tenantId })
  for (const wanted of COMMUNITY_ASSETS) {
    const have = tenant.assets.find((a) => a.code === wanted.code)
    if (!have) await ctx.ledger.defineAsset({ tenantId, ...wanted })
    else if (have.scale !== wanted.scale) {
      throw new CommunityError(
        CommunityErrorCode.VALIDATION,
        `asset ${wanted.code} of tenant ${tenantId} has scale ${have.scale}; a community needs ${wanted.scale}`,
        {
          asset: wanted.code,
          scale: have.scale,
        },
      )
    }
  }
  return tenant.name
}

const view = (name: string, row: typeof communities.$inferSelect): CommunityView => ({
  tenantId: row.tenantId,
  name,
  settings: CommunitySettings.parse({ ...(row.settings as object), timeZone: row.timeZone }),
  publicKey: row.publicKey,
  createdAt: row.createdAt,
})

export async function setUp(ctx: CommunityContext, input: SetUpInput): Promise<{ community: CommunityView; replayed: boolean }> {
  const { tenantId, name, settings: given } = parse(SetUpInput, input)
  const tenantName = await ensureTenant(ctx, tenantId, name)
  const settings = CommunitySettings.parse({ issuer: tenantName, ...given })
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const now = ctx.now()
  const { timeZone, ...rest } = settings
  const inserted = await ctx.db
    .insert(communities)
    .values({
      tenantId,
      timeZone,
      settings: rest,
      publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning()
  await ctx.db
    .insert(pointRules)
    .values({ tenantId, version: 1, rule: DEFAULT_POINTS_RULE, createdBy: null, createdAt: now })
    .onConflictDoNothing()
  await firstPolicy(ctx, tenantId, now)
  await openPools(ctx, tenantId)
  const row = inserted[0] ?? (await ctx.db.select().from(communities).where(eq(communities.tenantId, tenantId)))[0]
  if (!row) throw new Error(`community ${tenantId} vanished after set-up`)
  return { community: view(tenantName, row), replayed: inserted.length === 0 }
}

/** The community's pools of spendable hours and points (idempotent in the ledger). */
async function openPools(ctx: CommunityContext, tenantId: string): Promise<void> {
  for (const asset of [ASSETS.hours, ASSETS.points]) {
    await ctx.ledger.openAccount({ tenantId, id: poolAccount(asset), asset, owner: COMMUNITY_OWNER, kind: 'organisation' })
  }
  await openExpiryAccount(ctx, tenantId)
}

export async function getCommunity(ctx: CommunityContext, tenantId: string): Promise<CommunityView> {
  const [row] = await ctx.db.select().from(communities).where(eq(communities.tenantId, tenantId))
  if (!row) throw new CommunityError(CommunityErrorCode.COMMUNITY_NOT_FOUND, `no community is set up for tenant ${tenantId}`, { tenantId })
  return view((await ctx.ledger.getTenant({ tenantId })).name, row)
}

/** Change some settings; the others stay. */
export async function updateSettings(ctx: CommunityContext, input: UpdateSettingsInput): Promise<CommunityView> {
  const { tenantId, settings } = parse(UpdateSettingsInput, input)
  const current = await getCommunity(ctx, tenantId)
  const next = CommunitySettings.parse({ ...current.settings, ...settings })
  const { timeZone, ...rest } = next
  await ctx.db.update(communities).set({ timeZone, settings: rest }).where(eq(communities.tenantId, tenantId))
  ctx.forget(tenantId)
  return { ...current, settings: next }
}
