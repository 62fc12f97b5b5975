/**
 * QR codes as SVG text, for the check-in code shown on a projector and the
 * verify link printed on a certificate. Medium error correction (a QR code
 * stays readable with some of it smudged or covered) and a two-module quiet
 * zone. The SVG holds only the drawing: no script, no link, nothing taken
 * from the text as markup, so it is safe to inline into a page.
 *
 * @example
 * const svg = await qrSvg('https://tb.example/checkin/maple/clean-0302?code=492039')
 * svg.startsWith('<svg') // true
 */
import QRCode from 'qrcode'

/** The QR code of `text` (a URL) as a standalone SVG document fragment. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}
