// The GA wire protocol: zod/mini schemas, one never-throwing parser per direction, typed builders
// and base64 helpers. Pure: no DOM, no I/O, nothing else of ours.
export * from './session.js';
export * from './items.js';
export * from './client-events.js';
export * from './server-events.js';
export * from './parse.js';
export * from './builders.js';
export * from './base64.js';
