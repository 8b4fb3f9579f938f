export * from './claim.store.js';
export * from './claiming.backend.js';
export * from './agenda.factory.js';
export * from './nats.notification-channel.js';
