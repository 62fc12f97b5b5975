/**
 * `pnpm start`: the API with the staff console and resident pages in front of it, on one port.
 * Everything the API's server reads from the environment applies (PORT, DATA_DIR, DATABASE_URL…);
 * WEB_TIME_ZONE sets the zone dates are shown in (Asia/Shanghai by default).
 */
import { serve } from '@timebank/api/serve'
import { product } from './product.js'

void serve({
  front: (api, info) =>
    product(api, {
      defaultTenantId: info.operatorTenantId,
      trustProxyHops: info.trustProxyHops,
      ...(process.env.WEB_TIME_ZONE ? { timeZone: process.env.WEB_TIME_ZONE } : {}),
    }),
})
