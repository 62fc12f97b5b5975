/** The usage text `timebank --help` prints. */
export const USAGE = `Usage: timebank <command> [options]

Commands:
  verify-journal             recompute every entry chain of the books (and check them against the
                             latest signed checkpoint); exit 1 and name the first broken link if any
  checkpoint                 sign a checkpoint of the books now with the community's key
  import members <file.csv>  register the residents of a sheet (--approve: approve them at once)
  import sign-ins <file.csv> enter a paper sign-in sheet as manual hour records to approve
  export <report>            write a report: statement (--member, --period, --asset),
                             honour-roll (--period, --by hours|points, --grid, --limit),
                             rollups (--period, --grid), reward-stock, disclosure (--days)

Import options:
  --dry-run                  check every row (locally, then against the API, read-only); write nothing
  --encoding utf-8|gbk       the file's encoding (default: a BOM or valid UTF-8 means UTF-8, else GBK)
  --report <rejected.csv>    also write the rejected rows, with line, code and message
  --activity <id>            sign-ins: the activity, when the sheet has no 活动/activityId column
  --kind <kind>              sign-ins: the task kind, when the sheet has no 类型/kind column
  --utc-offset <+08:00>      sign-ins: the offset of the sheet's times of day (default +08:00)

Export options:
  --format csv|xlsx          CSV is UTF-8 with a BOM (default; xlsx when --out ends so)
  --out <file>               where to write (CSV to stdout without it)

Other options:
  --json                     machine-readable output
  -h, --help                 this text

Exit status: 0 done, 1 some rows rejected (or the books are not sound), 2 could not run.

Environment:
  TIMEBANK_URL     the API, e.g. http://127.0.0.1:3000
  TIMEBANK_KEY     an API key of your community (admin for the journal; staff or admin otherwise)
`
