/**
 * The printable volunteer service certificate (志愿服务证明): one
 * self-contained HTML page (inline CSS sized for A4, the verify link's QR code
 * inline as SVG, nothing fetched), in Chinese with English beside it. It is
 * the member's own copy, so it carries their full name (`holder.name`, kept
 * beside the signed document; their pseudonym once erased). Every value taken
 * from the certificate goes through `escapeHtml`; only the QR code's SVG,
 * which `qrcode` draws from the URL and which holds no text of it, is
 * inserted as markup.
 *
 * @example
 * const html = certificatePage({ certificate, timeZone: 'Asia/Shanghai', qrSvg: await qrSvg(certificate.document.verifyUrl) })
 * return c.html(html)
 */
import { type Certificate, dateIn, holderName } from '@timebank/community'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] as string)
}

export interface CertificatePageInput {
  certificate: Pick<Certificate, 'serial' | 'document' | 'issuedAt'>
  /** The community's time zone: the date of issue is its local date. */
  timeZone: string
  /** The QR code of the certificate's verify URL, as `qrSvg` makes it. */
  qrSvg: string
  /** A certified record has been reversed since: the page says so. */
  revoked?: boolean
}

/** Content-Security-Policy for the page: its own inline styles and SVG, nothing else. */
export const CERTIFICATE_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

const STYLE = `
@page { size: A4; margin: 16mm; }
* { box-sizing: border-box; }
html { background: #f3efe6; }
body { margin: 0; color: #222; font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", serif; }
.sheet { width: 210mm; min-height: 297mm; margin: 10mm auto; padding: 18mm 20mm; background: #fff; border: 1px solid #d8cfbd; position: relative; }
.frame { border: 3px double #b8242a; padding: 14mm 14mm 10mm; min-height: 255mm; display: flex; flex-direction: column; }
h1 { margin: 0; text-align: center; font-size: 30pt; letter-spacing: 0.4em; color: #b8242a; }
.en { font-family: Georgia, "Times New Roman", serif; color: #555; }
h1 + .en { text-align: center; font-size: 13pt; margin: 2mm 0 10mm; letter-spacing: 0.08em; }
.serial { text-align: right; font-size: 10pt; margin-bottom: 8mm; }
.body { font-size: 14pt; line-height: 2; }
.body p { margin: 0 0 4mm; text-indent: 2em; }
.body p.en { text-indent: 0; font-size: 11pt; line-height: 1.6; }
.name { font-weight: bold; font-size: 16pt; border-bottom: 1px solid #222; padding: 0 0.5em; }
dl { display: grid; grid-template-columns: 38mm 1fr; gap: 2mm 4mm; margin: 6mm 0; font-size: 12pt; }
dt { color: #555; }
dd { margin: 0; word-break: break-word; }
.foot { margin-top: auto; display: flex; justify-content: space-between; align-items: flex-end; gap: 8mm; }
.issuer { text-align: right; font-size: 13pt; line-height: 1.8; }
.verify { font-size: 8.5pt; color: #444; max-width: 95mm; }
.verify .url { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
.qr svg { width: 30mm; height: 30mm; display: block; }
.revoked { border: 2px solid #b8242a; color: #b8242a; padding: 3mm; text-align: center; font-weight: bold; margin-bottom: 6mm; }
@media print {
  html { background: none; }
  .sheet { margin: 0; border: none; width: auto; min-height: auto; padding: 0; }
  .frame { min-height: 262mm; }
}
`

/** The page, complete. Pure: the same input gives the same page. */
export function certificatePage(input: CertificatePageInput): string {
  const d = input.certificate.document
  const e = escapeHtml
  const name = holderName(d)
  const issued = dateIn(new Date(d.issuedAt), input.timeZone)
  const scopeZh = 'period' in d.scope ? `在 ${e(d.scope.period)} 期间` : `在“${e(d.scope.title)}”活动中`
  const scopeEn = 'period' in d.scope ? `in ${e(d.scope.period)}` : `in the activity “${e(d.scope.title)}”`
  const revoked = input.revoked
    ? `<div class="revoked">本证明所含服务记录已被撤销，证明失效。<span class="en" lang="en"> Revoked: a record it certifies has been reversed.</span></div>`
    : ''
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>志愿服务证明 No. ${e(d.serial)} · ${e(d.community.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="sheet">
<div class="frame">
<h1>志愿服务证明</h1>
<div class="en" lang="en">Certificate of Volunteer Service</div>
<div class="serial">证书编号 <span class="en" lang="en">No.</span> ${e(d.serial)}</div>
${revoked}<div class="body">
<p>兹证明 <span class="name">${e(name)}</span> ${scopeZh}参加志愿服务，累计服务时长 <strong>${e(d.hours)}</strong> 小时。</p>
<p class="en" lang="en">This is to certify that <span class="name">${e(name)}</span> served as a volunteer ${scopeEn} for a total of <strong>${e(d.hours)}</strong> hours.</p>
</div>
<dl>
<dt>服务内容 <span class="en" lang="en">Service</span></dt><dd>${e(d.content)}</dd>
<dt>服务时长 <span class="en" lang="en">Hours</span></dt><dd>${e(d.hours)}</dd>
<dt>颁发单位 <span class="en" lang="en">Issued by</span></dt><dd>${e(d.community.issuer)}</dd>
<dt>颁发日期 <span class="en" lang="en">Date of issue</span></dt><dd>${e(issued)}</dd>
<dt>证书编号 <span class="en" lang="en">Serial</span></dt><dd>${e(d.serial)}</dd>
</dl>
<div class="foot">
<div class="verify">
<div class="qr">${input.qrSvg}</div>
<div>扫码或访问以下网址核验真伪 <span class="en" lang="en">Scan or visit to verify:</span></div>
<div class="url">${e(d.verifyUrl)}</div>
<div>本证明经社区电子签名（Ed25519）。<span class="en" lang="en">Digitally signed by the community (Ed25519).</span></div>
</div>
<div class="issuer">
<div>${e(d.community.issuer)}</div>
<div>${e(issued)}</div>
</div>
</div>
</div>
</main>
</body>
</html>
`
}
