export { startShop, type RunningShop } from './http/startShop.js';
export { loadConfig, type ShopConfig } from './config.js';
