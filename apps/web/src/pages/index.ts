/** Every page of the web app, registered in one place. */
import type { WebApp } from '../env.js'
import { consolePages } from './console/index.js'
import { signInPages } from './signin.js'

export function registerPages(web: WebApp): void {
  signInPages(web)
  consolePages(web)
}
