export { type ConfigSources, resolveConfig, serializeConfig } from './config/resolve.js';
export { CONFIG_SCHEMA, type TrainerConfig } from './config/schema.js';
export * from './errors.js';
