export { shopService } from './service.js';
export { customerOfRole, shopRoles, type ShopRole } from './roles.js';
