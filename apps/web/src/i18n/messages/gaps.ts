import { messages } from './define.js'

/**
 * Messages of the pages that read the API's newer summaries: the dashboard's one call, names in
 * lists, the resident's view of stock and relatives, a sign-in link issued twice.
 */
export const gaps = messages(
  {
    'staff.link.shownElsewhere': '这个表单已经生成过登录链接，但它只向生成它的登录会话显示。请刷新成员页再生成一个。',
    'me.market.inStock': '有货',
    'me.market.soldOut': '已兑完',
  },
  {
    'staff.link.shownElsewhere':
      'This form has issued its sign-in link already, and it is shown only to the session that made it. Reload the member page to issue another.',
    'me.market.inStock': 'In stock',
    'me.market.soldOut': 'Sold out',
  },
)
