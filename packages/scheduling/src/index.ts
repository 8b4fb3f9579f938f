export * from './claiming.backend.js';
export * from './agenda.factory.js';
