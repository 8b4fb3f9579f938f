export * from './binaries.js';
export * from './ports.js';
export * from './managed-process.js';
export * from './servers.js';
