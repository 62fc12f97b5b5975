/**
 * The API alone: `tsx src/server.ts` (`pnpm --filter @timebank/api start`). `pnpm start` at the
 * repository root serves the web pages in front of it (apps/web/src/server.ts).
 */
import { serve } from './serve.js'

void serve()
