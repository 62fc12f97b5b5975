/**
 * The one stylesheet: large type and high contrast (WCAG AA at least) for older readers, a single
 * column on phones, a menu that wraps on an office PC. No build step: it is served as written.
 */
export const STYLESHEET = `@import url(/assets/font.css);
:root { --ink: #1a1a1a; --muted: #4a4a4a; --paper: #fffdf8; --line: #c9c2b3; --accent: #a4161a; --accent-ink: #fff; --ok: #1b5e20; --warn: #8a4b00; }
* { box-sizing: border-box; }
html { font-size: 18px; }
/* The Chinese faces come before system-ui: on Linux, Chromium takes system-ui's fallback (e.g. DejaVu Sans) for CJK
   characters it lacks and draws boxes, never reaching the web font after it. */
body { margin: 0; color: var(--ink); background: var(--paper); line-height: 1.6;
  font-family: -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans SC", system-ui, sans-serif; }
a { color: #0b3d91; }
a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline: 3px solid #f9a825; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1rem; background: var(--accent); color: var(--accent-ink); }
header.top a { color: var(--accent-ink); }
header.top .brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top nav a[aria-current=page] { font-weight: 700; text-decoration-thickness: 3px; }
header.top .tools { display: flex; gap: 1rem; align-items: center; margin-left: auto; }
header.top .tools button { background: transparent; color: var(--accent-ink); border: 1px solid var(--accent-ink); }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
form.inline { display: inline; }
form.stack { display: grid; gap: .9rem; max-width: 32rem; }
form.stack label { display: grid; gap: .25rem; font-weight: 600; }
input, select, textarea, button { font: inherit; }
input, select, textarea { padding: .55rem .6rem; border: 2px solid var(--line); border-radius: 6px; background: #fff; color: var(--ink); min-height: 2.75rem; }
button, .button { display: inline-block; padding: .55rem 1.1rem; min-height: 2.75rem; border-radius: 6px; border: 2px solid var(--accent);
  background: var(--accent); color: var(--accent-ink); font-weight: 600; cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
.notice { padding: .7rem 1rem; border-radius: 6px; border-left: 6px solid; }
.notice.error { background: #fdecea; border-color: var(--accent); }
.notice.ok { background: #e8f5e9; border-color: var(--ok); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f1ece0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; background: #fff; }
.card .figure { font-size: 1.8rem; font-weight: 700; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; border: 1px solid var(--line); font-size: .85rem; }
body.bare main { max-width: none; text-align: center; }
body.bare .qr svg { width: min(80vh, 90vw); height: auto; }
.code-big { font-size: 4rem; letter-spacing: .3rem; font-weight: 700; }
@media (max-width: 40rem) {
  html { font-size: 19px; }
  header.top .tools { margin-left: 0; }
  table.responsive thead { display: none; }
  table.responsive tr { display: block; border-bottom: 2px solid var(--line); padding: .3rem 0; }
  table.responsive td { display: flex; justify-content: space-between; border: 0; }
  table.responsive td::before { content: attr(data-label); font-weight: 600; margin-right: 1rem; }
}
@media print { header.top, .skip, form.inline { display: none; } }
/* Staff console, part 1 (pages/staff): filters, facts, tabs, row actions, the QR and sign-in sheets. */
form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; margin: 0 0 1rem; }
form.filters label { display: grid; gap: .2rem; font-weight: 600; }
label.check { display: flex !important; gap: .6rem; align-items: center; font-weight: 600; }
label.check input { min-height: auto; width: 1.4rem; height: 1.4rem; }
form.inline-form { margin: .5rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
nav.tabs ul { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; list-style: none; padding: 0; margin: 0 0 1rem; }
nav.tabs a[aria-current=page] { font-weight: 700; text-decoration-thickness: 3px; }
form.row-actions details { margin-top: .4rem; }
form.row-actions details label { display: grid; gap: .2rem; margin: .3rem 0; }
ul.refusals li { margin: .3rem 0; }
td input[type=checkbox] { width: 1.5rem; height: 1.5rem; min-height: auto; }
.qr-title { font-size: 2.4rem; margin: 1rem 0; }
.qr-hint { font-size: 1.3rem; }
.sign-in-sheet { max-width: 36rem; }
.sign-in-sheet .qr svg { width: min(22rem, 90vw); height: auto; }
code.link-text { overflow-wrap: anywhere; font-size: .9rem; }
@media print { .no-print, form.filters { display: none; } }
/* Resident pages (/me, /checkin): phone first, one column, big buttons. */
.lead { font-size: 1.2rem; }
.figures .card h2 { font-size: 1.05rem; margin: 0 0 .25rem; }
.notice.warn { background: #fff4e5; border-color: var(--warn); }
.me-links ul, ul.me-cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
.me-links li { display: grid; gap: .25rem; }
ul.me-cards .card h3 { margin: 0 0 .3rem; font-size: 1.2rem; }
.button.big, button.big, form.act button { width: 100%; min-height: 3.25rem; font-size: 1.15rem; text-align: center; }
button.huge { width: 100%; min-height: 5rem; font-size: 1.6rem; }
form.act { display: grid; gap: .6rem; margin: .6rem 0; }
form.act label { display: grid; gap: .25rem; font-weight: 600; }
.tabs { display: flex; gap: 1.25rem; }
.tabs a[aria-current=page] { font-weight: 700; text-decoration-thickness: 3px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.facts dt { font-weight: 600; }
.qr.pickup svg { width: min(80vw, 22rem); height: auto; display: block; margin: 0 auto; }
.code-text { font-family: ui-monospace, monospace; font-size: 1.3rem; text-align: center; word-break: break-all; }
fieldset { border: 2px solid var(--line); border-radius: 6px; }
label.choice { display: flex; gap: .5rem; align-items: center; font-weight: 400; min-height: 2.75rem; }
label.choice input { min-height: auto; width: 1.4rem; height: 1.4rem; }
details summary { cursor: pointer; min-height: 2.75rem; padding: .5rem 0; }
@media (min-width: 48rem) { ul.me-cards { grid-template-columns: repeat(2, 1fr); } }
/* Staff console, part 2 (pages/console): filters, low stock, verdicts, charts, policy diff. */
form.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin: .5rem 0 1rem; }
form.filters label { display: grid; gap: .25rem; font-weight: 600; }
form.stack.wide { max-width: 48rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; display: grid; gap: .6rem; }
textarea.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9rem; }
tr.low-stock td { background: #fff4e5; }
.badge.warn { border-color: var(--warn); color: var(--warn); font-weight: 700; }
.badge.ok, .badge.added { border-color: var(--ok); color: var(--ok); }
.badge.removed { border-color: var(--accent); color: var(--accent); }
.badge.changed { border-color: #0b3d91; color: #0b3d91; }
ul.leaves { margin: .3rem 0 0; padding-left: 1.2rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.verdict { border-left: 8px solid; padding: .8rem 1rem; border-radius: 6px; margin-bottom: 1rem; }
.verdict .verdict-word { font-size: 1.6rem; margin: 0 0 .3rem; }
.verdict.valid { background: #e8f5e9; border-color: var(--ok); }
.verdict.revoked, .verdict.invalid { background: #fdecea; border-color: var(--accent); }
.verdict.unknown { background: #f1ece0; border-color: var(--muted); }
figure { margin: 0 0 1rem; overflow-x: auto; }
svg.chart { max-width: 100%; height: auto; }
`
