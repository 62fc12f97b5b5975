/** Every page of the web app, registered in one place. */
import type { WebApp } from '../env.js'
import { residentPages } from './me/index.js'
import { consolePages } from './console/index.js'
import { signInPages } from './signin.js'
import { staffCorePages } from './staff/index.js'

export function registerPages(web: WebApp): void {
  signInPages(web)
  staffCorePages(web)
  residentPages(web)
  consolePages(web)
}
