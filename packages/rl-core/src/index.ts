export { Rng, type RngState } from './random/rng.js';
