export { createWeb, type WebOptions } from './web.js'
export { product, isApiPath, type ProductOptions } from './product.js'
