// The shop service declared: its environment, roles, features and HTTP surface. main.ts runs it; the
// e2e tests start it the same way (testing/shopServer.ts).
import { defineService } from '@janus/service';
import { fulfilment } from './fulfilment/fulfilment.js';
import { fulfilmentCommands } from './fulfilment/fulfilmentCommands.js';
import { commandPolicy, queryPolicy } from './http/access.js';
import { cartRoutes } from './http/cartRoutes.js';
import { catalogRoutes } from './http/catalogRoutes.js';
import { orderRoutes } from './http/orderRoutes.js';
import { productsView } from './catalog/productsView.js';
import { orderOwner } from './orders/orderHandlers.js';
import { ordersView } from './orders/ordersView.js';
import { shopRoles } from './roles.js';
import { registerShopCommands, registerShopQueries } from './shop.js';

export const shopService = defineService({
  name: 'shop',
  version: '0.1.0',
  env: { prefix: 'SHOP', defaultPort: 3001, defaultDataDir: './data/shop', sqliteFile: 'shop.db' },
  roles: shopRoles,
  // Requests per minute: a customer's key 10 a second, an admin's enough for a load test from one key.
  rateLimits: { admin: 300_000, customer: 600 },
  projections: [productsView, ordersView],
  workflows: { run: [fulfilment], commands: (deps) => fulfilmentCommands(deps) },
  runner: { pollIntervalMs: 200, retry: { initialDelayMs: 20, maxDelayMs: 1000 } },
  // Conflicts on an inventory stream come from admins stocking it while the workflow reserves: retry generously.
  retry: { attempts: 20, baseDelayMs: 2, maxDelayMs: 50 },
  commands: (bus, deps) => registerShopCommands(bus, deps),
  queries: (bus, deps) => registerShopQueries(bus, { readModels: deps.readModels, store: deps.events }),
  policies: {
    commands: ({ events }) => commandPolicy((orderId) => orderOwner(events, orderId)),
    queries: ({ events }) => queryPolicy((orderId) => orderOwner(events, orderId)),
  },
  routes: [...catalogRoutes, ...cartRoutes, ...orderRoutes],
  domainErrors: {
    'product-exists': 409,
    'order-exists': 409,
    'order-not-pending': 409,
    'order-not-cancellable': 409,
  },
  openapi: {
    title: 'Janus Shop',
    description: [
      'The shop reference service built on Janus: a catalog with stock, carts, and orders fulfilled ' +
        'by a workflow that reserves stock for every line.',
      '',
      '- Money is a JSON string: a decimal with at most two fraction digits in requests, exactly two ' +
        'in answers.',
      '- Roles: `admin` (the catalog and stock, every cart and order, the report) and ' +
        "`customer:<customerId>` (its own cart and orders; another customer's cart: 403; an order " +
        'that is not its own: 404; products: read only).',
      '- Commands answer `position`; a query sent with `X-Min-Position` answers once its read ' +
        'models reached it (waiting up to `X-Max-Wait-Ms`).',
      '- Any command may carry `Idempotency-Key`: a retry with the same key, caller and body gets the ' +
        'first answer again (`Idempotent-Replayed: true`), even after a restart, until the key expires ' +
        '(`SHOP_IDEMPOTENCY_TTL_HOURS`, default 24).',
      '- Limits: requests per minute per key by role (RATE_LIMIT_CUSTOMER 600, RATE_LIMIT_ADMIN 300000) and per address without a ' +
        'valid key (RATE_LIMIT_ANONYMOUS 300); over them a 429 `rate-limited` with `Retry-After` (seconds). ' +
        '/health, /ready and /metrics are never limited. A request must arrive within ' +
        'HTTP_REQUEST_TIMEOUT_MS (default 30 s).',
      '- A JSON body with a key given twice, at any depth, is a 400 naming the key. A product `name`, `emoji` or a cancel `reason` with a lone ' +
        'surrogate or a bidirectional control character (U+202A–U+202E, U+2066–U+2069) is a 400 ' +
        'naming the field.',
    ].join('\n'),
  },
});
