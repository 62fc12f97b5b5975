/**
 * The community's tables, beside the ledger's in the same database and never
 * inside them: the community moves value only through the ledger's public
 * interface. Every key is led by tenant_id (a community is a ledger tenant).
 * Hours are int8 hundredths (the HOUR asset's scale, 2), points int8 whole
 * (POINT, scale 0), instants timestamptz. Rows a client names by id carry the
 * fingerprint of the creating request (`request_hash`, the ledger's one
 * idempotency rule).
 */
import { sql } from 'drizzle-orm'
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { instant, int8 } from './columns.js'

export * from './policy-schema.js'

/** One row per community: its settings and keys. */
export const communities = pgTable('cm_communities', {
  tenantId: text('tenant_id').primaryKey(),
  /** IANA time zone in which periods (months, quarters, years) and activity days are counted. */
  timeZone: text('time_zone').notNull(),
  /** Validated by CommunitySettings (domain/settings.ts): rounding of hours, check-in grace, disclosure days… */
  settings: jsonb('settings').notNull(),
  /** Ed25519 key pair signing certificates: public SPKI and private PKCS#8, both DER base64. */
  publicKey: text('public_key').notNull(),
  privateKey: text('private_key').notNull(),
  createdAt: instant('created_at').notNull(),
})

/** The grid tree: community > grid > sub-grid > building > unit, any depth. */
export const grids = pgTable(
  'cm_grids',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    parentId: text('parent_id'),
    name: text('name').notNull(),
    /** community | grid | subgrid | building | unit | other */
    level: text('level').notNull(),
    /** Ids from the root down, each followed by '/': `root/g1/b7/`. A subtree is a prefix. */
    path: text('path').notNull(),
    leaderMemberId: text('leader_member_id'),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('cm_grids_path').on(t.tenantId, t.path)],
)

export const members = pgTable(
  'cm_members',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    /** Null once erased. */
    name: text('name'),
    phone: text('phone'),
    /** An ID-like number (identity card, residence permit); masked wherever shown. */
    idNumber: text('id_number'),
    birthDate: date('birth_date', { mode: 'string' }),
    /** applied | active | rejected | inactive | erased */
    status: text('status').notNull(),
    gridId: text('grid_id'),
    /** What erasure leaves in place of the name: stable, not personal. */
    pseudonym: text('pseudonym').notNull(),
    appliedAt: instant('applied_at').notNull(),
    reviewedBy: text('reviewed_by'),
    reviewedAt: instant('reviewed_at'),
    reviewNote: text('review_note'),
    createdBy: text('created_by'),
    requestHash: text('request_hash'),
    metadata: jsonb('metadata').notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('cm_members_grid').on(t.tenantId, t.gridId),
    index('cm_members_status').on(t.tenantId, t.status, t.id),
  ],
)

/** Where a member lived, over time: one row per placement; the current one has no `until`. */
export const memberPlaces = pgTable(
  'cm_member_places',
  {
    tenantId: text('tenant_id').notNull(),
    memberId: text('member_id').notNull(),
    since: instant('since').notNull(),
    gridId: text('grid_id').notNull(),
    until: instant('until'),
    placedBy: text('placed_by'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.memberId, t.since] })],
)

export const relatives = pgTable(
  'cm_relatives',
  {
    tenantId: text('tenant_id').notNull(),
    memberId: text('member_id').notNull(),
    relativeId: text('relative_id').notNull(),
    /** spouse | child | parent | sibling | grandchild | grandparent | other: what the relative is to the member. */
    relation: text('relation').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.memberId, t.relativeId] })],
)

/** Partner units (共建单位) and volunteer teams. */
export const organisations = pgTable(
  'cm_organisations',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    /** partner | team */
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    gridId: text('grid_id'),
    /** active | inactive */
    status: text('status').notNull(),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

export const organisationMembers = pgTable(
  'cm_organisation_members',
  {
    tenantId: text('tenant_id').notNull(),
    organisationId: text('organisation_id').notNull(),
    memberId: text('member_id').notNull(),
    /** leader | member */
    role: text('role').notNull(),
    joinedAt: instant('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.organisationId, t.memberId] }), index('cm_org_members_member').on(t.tenantId, t.memberId)],
)

/** Points rules, versioned: a new version per change; records keep the version they were credited under. */
export const pointRules = pgTable(
  'cm_point_rules',
  {
    tenantId: text('tenant_id').notNull(),
    version: integer('version').notNull(),
    /** Validated by PointsRule (domain/points.ts). */
    rule: jsonb('rule').notNull(),
    createdBy: text('created_by'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.version] })],
)

export const activities = pgTable(
  'cm_activities',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    title: text('title').notNull(),
    /** The task kind, e.g. elder-visit, clean-up: points rules may give it fixed points. */
    kind: text('kind').notNull(),
    place: text('place').notNull(),
    gridId: text('grid_id').notNull(),
    /** Who organises it: a member or an organisation. */
    organiserType: text('organiser_type'),
    organiserId: text('organiser_id'),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    capacity: integer('capacity').notNull(),
    /** Most hours one attendance may credit, in hundredths. */
    maxHours: int8('max_hours').notNull(),
    /** open | cancelled */
    status: text('status').notNull(),
    /** Secret of the rotating check-in code (base64url). */
    codeSecret: text('code_secret').notNull(),
    createdBy: text('created_by'),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('cm_activities_starts').on(t.tenantId, t.startsAt)],
)

export const signups = pgTable(
  'cm_signups',
  {
    tenantId: text('tenant_id').notNull(),
    activityId: text('activity_id').notNull(),
    memberId: text('member_id').notNull(),
    /** signed | waitlisted | cancelled */
    status: text('status').notNull(),
    /** member | leader | organiser: the role multiplier of the points rule. */
    role: text('role').notNull(),
    /** Order of sign-up, for the waitlist. */
    seq: int8('seq').generatedAlwaysAsIdentity(),
    signedAt: instant('signed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.activityId, t.memberId] })],
)

export const attendance = pgTable(
  'cm_attendance',
  {
    tenantId: text('tenant_id').notNull(),
    activityId: text('activity_id').notNull(),
    memberId: text('member_id').notNull(),
    checkedInAt: instant('checked_in_at').notNull(),
    /** 'code' (the member scanned it) or the id of the staff key that checked them in by hand. */
    checkedInBy: text('checked_in_by').notNull(),
    checkedOutAt: instant('checked_out_at'),
    checkedOutBy: text('checked_out_by'),
    /** The pending hour record made at check-out. */
    recordId: text('record_id'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.activityId, t.memberId] })],
)

/**
 * Hour records: pending → approving → approved → reversing → reversed, or pending → rejected.
 * `approving` and `reversing` are claimed intents: the ledger step they name may or may not have run,
 * and running it again is safe (its ids are derived from the record).
 */
export const hourRecords = pgTable(
  'cm_hour_records',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    memberId: text('member_id').notNull(),
    activityId: text('activity_id'),
    /** The task kind (the activity's, or given for a manual record). */
    kind: text('kind').notNull(),
    /** member | leader | organiser */
    role: text('role').notNull(),
    /** 1 | 0.5 | 0 as text: the conduct factor. */
    conduct: text('conduct').notNull(),
    startedAt: instant('started_at').notNull(),
    endedAt: instant('ended_at').notNull(),
    /** Hours to credit, hundredths (after rounding, the cap and any adjustment). */
    hours: int8('hours').notNull(),
    /** Set when claimed for approval: the points and the rule version they come from. */
    points: int8('points'),
    ruleVersion: integer('rule_version'),
    /** Set when claimed for approval under a storage cap that donates: hours of `hours` credited to the pool instead. */
    excessHours: int8('excess_hours'),
    /** Likewise for points under a storage cap on points: points of `points` credited to the pool instead. */
    excessPoints: int8('excess_points'),
    /** pending | approving | approved | rejected | reversing | reversed */
    status: text('status').notNull(),
    /** Entered by staff rather than made by check-out: a second person must approve it. */
    manual: boolean('manual').notNull(),
    createdBy: text('created_by').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: instant('decided_at'),
    /** Who last changed its hours, conduct or role by hand: they may not approve it alone. */
    adjustedBy: text('adjusted_by'),
    /** Why it was rejected, or why a complaint about it was upheld (its note stays as entered). */
    reason: text('reason'),
    /** When the ledger posted the credit (and the period key it counts in). */
    postedAt: instant('posted_at'),
    postedPeriod: text('posted_period'),
    reversedAt: instant('reversed_at'),
    reversedPeriod: text('reversed_period'),
    note: text('note'),
    requestHash: text('request_hash'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('cm_records_status').on(t.tenantId, t.status, t.createdAt),
    index('cm_records_member').on(t.tenantId, t.memberId, t.createdAt),
    index('cm_records_activity').on(t.tenantId, t.activityId),
    index('cm_records_posted').on(t.tenantId, t.postedAt),
  ],
)

/** What happened to a record and who did it: adjustments with their reasons, decisions, complaints. */
export const recordEvents = pgTable(
  'cm_record_events',
  {
    tenantId: text('tenant_id').notNull(),
    recordId: text('record_id').notNull(),
    seq: int8('seq').generatedAlwaysAsIdentity(),
    /** created | adjusted | approved | rejected | complaint | reversed | approval-refused | reversal-refused | adopted */
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    at: instant('at').notNull(),
    detail: jsonb('detail').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.recordId, t.seq] })],
)

/**
 * Per member and month (in the community's time zone), what was posted: maintained with each approval
 * and reversal, so an honour roll costs O(members), not O(records). A month counts what the ledger
 * posted in it; corrections of a closed month count in the month they are posted.
 */
export const memberTotals = pgTable(
  'cm_member_totals',
  {
    tenantId: text('tenant_id').notNull(),
    memberId: text('member_id').notNull(),
    /** YYYY-MM */
    month: text('month').notNull(),
    hours: int8('hours').notNull(),
    points: int8('points').notNull(),
    records: integer('records').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.month, t.memberId] })],
)

/** Closed periods: their honour rolls frozen as they stood, with a hash of the snapshot. */
export const closedPeriods = pgTable(
  'cm_closed_periods',
  {
    tenantId: text('tenant_id').notNull(),
    /** 2026-03, 2026-Q1 or 2026 */
    period: text('period').notNull(),
    closedAt: instant('closed_at').notNull(),
    closedBy: text('closed_by').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    snapshotHash: text('snapshot_hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.period] })],
)

/** Gap-free counters per community (certificate serials), advanced in the transaction that uses them. */
export const counters = pgTable(
  'cm_counters',
  {
    tenantId: text('tenant_id').notNull(),
    name: text('name').notNull(),
    value: int8('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
)

/** Signed volunteer service certificates (志愿服务证明). */
export const certificates = pgTable(
  'cm_certificates',
  {
    tenantId: text('tenant_id').notNull(),
    serial: int8('serial').notNull(),
    memberId: text('member_id').notNull(),
    /** The signed document (canonical JSON of it is what the signature covers). */
    document: jsonb('document').notNull(),
    /** Ed25519 signature, base64url. */
    signature: text('signature').notNull(),
    /** The records it certifies: verification shows it revoked once any is reversed. */
    recordIds: text('record_ids').array().notNull(),
    issuedBy: text('issued_by').notNull(),
    issuedAt: instant('issued_at').notNull(),
    requestHash: text('request_hash'),
    /** The client's id for the issuing request, so a retry returns the same certificate. */
    requestId: text('request_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.serial] }),
    index('cm_certificates_member').on(t.tenantId, t.memberId),
    uniqueIndex('cm_certificates_request').on(t.tenantId, t.requestId),
  ],
)
export * from './orders-schema.js'
export * from './wishes-schema.js'
export * from './market-schema.js'
