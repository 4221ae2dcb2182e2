export { wilsonInterval } from './eval/wilson.js';
