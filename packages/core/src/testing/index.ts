export { given } from './given.js';
