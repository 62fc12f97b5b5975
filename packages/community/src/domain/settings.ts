/**
 * A community's settings: its time zone and the rules its workflows follow,
 * validated in one place and stored as one document.
 *
 * @example
 * const settings = CommunitySettings.parse({ timeZone: 'Asia/Shanghai' })
 */
import { z } from 'zod'
import { HoursRounding } from './hours.js'
import { OrderDeadlines } from './order.js'
import { TimeZone } from './periods.js'

export const CommunitySettings = z.strictObject({
  /** Periods, activity days and certificates are in this time zone. */
  timeZone: TimeZone.default('Asia/Shanghai'),
  /** How attendance becomes hours: by default down to a quarter hour. */
  hoursRounding: HoursRounding.default({ step: '0.25', mode: 'down' }),
  /** Check-in and check-out codes work this many minutes before the start and after the end. */
  checkInGraceMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(30),
  /** How often the check-in code changes; the previous code still works, for a slow phone. */
  codeStepSeconds: z.number().int().min(15).max(3600).default(60),
  /** The public disclosure (公示) lists approved records of this many past days. */
  disclosureDays: z.number().int().min(1).max(366).default(7),
  /** Where residents' phones reach the product: check-in QR codes and certificates link here. */
  publicBaseUrl: z.url().max(200).default('http://127.0.0.1:3000'),
  /** Who issues certificates, as printed on them (the community's name, by default). */
  issuer: z.string().min(1).max(200).optional(),
  /** How long a service order may stay in each state before the sweep moves it on (a service may shorten or lengthen any). */
  orderDeadlineHours: OrderDeadlines.default(OrderDeadlines.parse({})),
})
export type CommunitySettings = z.infer<typeof CommunitySettings>
export type CommunitySettingsInput = z.input<typeof CommunitySettings>
