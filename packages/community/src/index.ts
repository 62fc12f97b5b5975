/**
 * `@timebank/community`: how a community registers volunteers, runs
 * activities, turns attendance into approved hours and points, and recognises
 * people for them, on the timebank ledger.
 *
 * @example
 * import { createCommunity, migrate } from '@timebank/community'
 */
export { createCommunity, type Community, type CommunityOptions } from './community.js'
export { migrate, communityMigrationsFolder } from './migrate.js'
export { CommunityError, CommunityErrorCode, isCommunityError } from './domain/errors.js'
export * from './domain/ids.js'
export * from './domain/points.js'
export * from './domain/hours.js'
export * from './domain/periods.js'
export * from './domain/record.js'
export * from './domain/rounding.js'
export * from './domain/settings.js'
export * from './domain/policy.js'
export { SetUpInput, UpdateSettingsInput, type CommunityView } from './setup.js'
export { AddRuleInput, type PointsRuleVersion } from './rules.js'
export { ChangePolicyInput, type PolicyVersion } from './policies.js'
export { DonateInput, GiftInput, donationTransferId, giftTransferId } from './gifts/gift.js'
export { CreateRecordFields, CreateRecordInput } from './records/create.js'
export { AdjustFields, AdjustInput, ApproveInput, ComplainInput, RejectInput, type Decision, MAX_DECISIONS } from './records/decide.js'
export { ListRecordsInput, type RecordPage, type RecordEventView } from './records/queries.js'
export { HealInput, ReconcileInput, type Problem, type ProblemKind } from './records/reconcile.js'
export { HourRecordOutput, type HourRecord } from './records/view.js'
export * from './domain/member.js'
export * from './domain/grid.js'
export * from './domain/mask.js'
export {
  DeactivateMemberInput,
  EraseMemberInput,
  MemberStatusInput,
  ReactivateMemberInput,
  RegisterMemberInput,
  ReviewMemberInput,
} from './members/lifecycle.js'
export { MemberOutput, PublicMemberOutput, type Member, type PublicMember, memberView, publicMemberView } from './members/view.js'
export { GetMemberInput, ListMembersInput, MemberViewKind, MemberPageOutput, type MemberPage } from './members/queries.js'
export { AddRelativeInput, RemoveRelativeInput, ListRelativesInput, RelativeOutput, type RelativeLink } from './members/relatives.js'
export { PlaceMemberInput, MemberPlacesInput, PlaceOutput, type Place } from './members/places.js'
export { gridOfMemberAt, relationBetween } from './members/index.js'
export {
  CreateGridInput,
  MoveGridInput,
  SetGridLeaderInput,
  GetGridInput,
  ListGridsInput,
  GridOutput,
  GridPageOutput,
  type Grid,
  type GridPage,
} from './grids/grids.js'
export {
  OrganisationKind,
  OrganisationRole,
  CreateOrganisationInput,
  GetOrganisationInput,
  ListOrganisationsInput,
  AddOrganisationMemberInput,
  RemoveOrganisationMemberInput,
  ListOrganisationMembersInput,
  OrganisationsOfMemberInput,
  OrganisationOutput,
  PublicOrganisationOutput,
  OrganisationPageOutput,
  OrganisationMemberOutput,
  MemberOrganisationOutput,
  type Organisation,
  type PublicOrganisation,
  type OrganisationPage,
  type OrganisationMember,
  type MemberOrganisation,
} from './organisations/organisations.js'
export {
  CreateActivityInput,
  GetActivityInput,
  ListActivitiesInput,
  CancelActivityInput,
  CurrentCodeInput,
  type ActivityPage,
} from './activities/activities.js'
export { SignUpInput, CancelSignUpInput, ListSignupsInput } from './activities/signups.js'
export { CheckInInput, CheckOutInput, AttendanceInput, BY_CODE } from './activities/attendance.js'
export { CloseActivityInput, CloseActivityOutput, type ClosedActivity } from './activities/close.js'
export {
  MemberSignupsInput,
  MemberSignupOutput,
  MemberSignupsOutput,
  type MemberSignup,
  type MemberSignups,
} from './activities/member-signups.js'
export {
  ActivityOutput,
  ActivityPageOutput,
  CreateActivityOutput,
  SignupOutput,
  SignUpOutput,
  CancelSignUpOutput,
  SignupListOutput,
  AttendanceEntryOutput,
  AttendanceOutput,
  CheckInOutput,
  CheckOutOutput,
  CheckinCodeOutput,
  type Activity,
  type Signup,
  type SignupList,
  type AttendanceEntry,
  type Attendance,
  type CheckinCodeView,
} from './activities/view.js'
export * from './domain/activity.js'
export { checkinCode, verifyCheckinCode } from './domain/checkin-code.js'
export * from './domain/certificate.js'
export {
  HonourRollInput,
  HonourRollOutput,
  HonourRollEntryOutput,
  RankBy,
  type HonourRoll,
  type HonourRollEntry,
} from './recognition/roll.js'
export {
  ClosePeriodInput,
  ClosePeriodOutput,
  PeriodStatusInput,
  PeriodStatusOutput,
  type ClosePeriodResult,
  type PeriodStatus,
} from './recognition/close.js'
export {
  GridRollupInput,
  GridRollupsInput,
  GridRollupOutput,
  GridRollupResultOutput,
  GridRollupsOutput,
  MAX_SERIES_MONTHS,
  RollupMonthOutput,
  RollupSeriesInput,
  RollupSeriesOutput,
  topGrids,
  type GridRollup,
  type GridRollupResult,
  type GridRollups,
  type RollupMonth,
  type RollupSeries,
} from './recognition/rollup.js'
export { StatementAsset, StatementInput, StatementOutput, type Statement } from './recognition/statement.js'
export {
  DisclosureInput,
  DisclosureOutput,
  DisclosedRecordOutput,
  type Disclosure,
  type DisclosedRecord,
} from './recognition/disclosure.js'
export type { PeriodSnapshot, SnapshotMember } from './recognition/totals.js'
export { IssueCertificateInput, IssueCertificateOutput } from './certificates/issue.js'
export {
  CertificatePageOutput,
  CertificateRef,
  CertificateSerial,
  ListCertificatesInput,
  VerificationOutput,
  type CertificatePage,
  type Verification,
} from './certificates/queries.js'
export { CertificateOutput, type Certificate } from './certificates/view.js'
export { PageCursor, pageCursor, readCursor } from './domain/cursor.js'
export * from './domain/expiry.js'
export { ExpiryRunInput, ExpiryRunOutput, type ExpiryRunResult } from './expiry/run.js'
export { ExpiringPointsInput, ExpiringPointsOutput, ExpiringGroupOutput, type ExpiringPoints } from './expiry/expiring.js'
export {
  OrderActor,
  OrderDeadlines,
  OrderPayer,
  OrderStatus,
  ProviderType,
  orderStep,
  type OrderAction,
  type OrderStep,
} from './domain/order.js'
export {
  CreateServiceInput,
  GetServiceInput,
  ListServicesInput,
  ServiceDeadlines,
  ServiceHours,
  ServiceOutput,
  ServicePageOutput,
  UpdateServiceFields,
  UpdateServiceInput,
  type Service,
  type ServicePage,
} from './services/services.js'
export { PlaceOrderInput } from './orders/place.js'
export { DispatchInput, OrderStepInput, ReasonStepInput, RefuseInput, ResolveFields, ResolveInput } from './orders/steps.js'
export { GetOrderInput, ListOrdersInput, OrderPageOutput, type OrderEventView, type OrderPage } from './orders/queries.js'
export { OrderOutput, OrderViewKind, type Order } from './orders/view.js'
export { SweepOrdersInput, type SweepOutcome } from './orders/sweep.js'
export { ReconcileOrdersInput, type OrderProblem, type OrderProblemKind } from './orders/reconcile.js'
export type { HoldFacts, PreHoldCheck } from './orders/pre-hold.js'
// Micro-wishes (微心愿).
export * from './domain/wish.js'
export {
  CancelWishInput,
  ClaimWishInput,
  ConfirmWishInput,
  ExpireWishesInput,
  FulfilWishInput,
  GetWishInput,
  HealWishesInput,
  ListWishesInput,
  PostWishInput,
  ReconcileWishesInput,
  ReleaseWishInput,
  WishCountsInput,
  WishCountsOutput,
  WishOutput,
  WishPoints,
  WishSponsor,
  WishSponsorInput,
  maskedWish,
  type Wish,
  type WishCounts,
  type WishPage,
  type WishProblem,
  WishProblemKind,
} from './wishes/index.js'
export * from './domain/reward.js'
export * from './domain/redemption.js'
export {
  CreateRewardInput,
  UpdateRewardInput,
  ListRewardsInput,
  RestockInput,
  WriteOffInput,
  type StockMoveResult,
} from './market/rewards.js'
export {
  RedeemInput,
  HandOverInput,
  CancelInput as CancelRedemptionInput,
  ExpireInput as ExpireRedemptionsInput,
  ListRedemptionsInput,
  type RedemptionCheck,
} from './market/redemptions.js'
export { StockReportInput, RewardStockOutput, type RewardStock } from './market/report.js'
export {
  ReconcileRedemptionsInput,
  HealRedemptionsInput,
  type RedemptionProblem,
  type RedemptionProblemKind,
} from './market/reconcile.js'
export { RewardOutput, RedemptionOutput, type Reward, type Redemption } from './market/view.js'
export { LOW_STOCK_UNITS, type Summary, SummaryInput, SummaryOutput } from './summary/index.js'
