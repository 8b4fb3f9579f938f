import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseConfigShape, ConfigError, healthConfigShape, loadConfig, mongoConfigShape } from '../src/index.js';

const schema = z.object({
  ...baseConfigShape,
  ...mongoConfigShape,
  ...healthConfigShape(9100),
  SECRET: z.string().min(8, 'must be at least 8 characters'),
});

describe('loadConfig', () => {
  it('when every value is valid, then it returns typed values with defaults filled in', () => {
    const config = loadConfig(schema, { SECRET: 'abcdefgh', NATS_REQUEST_TIMEOUT_MS: '1500' });
    expect(config.NATS_REQUEST_TIMEOUT_MS).toBe(1500);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.MONGO_URL).toBe('mongodb://127.0.0.1:27017/jobwire');
    expect(config.HEALTH_PORT).toBe(9100);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('when a value is empty, then the default applies', () => {
    expect(loadConfig(schema, { SECRET: 'abcdefgh', HEALTH_PORT: '' }).HEALTH_PORT).toBe(9100);
  });

  it('when values are wrong, then the error names every variable and the reason', () => {
    let error: unknown;
    try {
      loadConfig(schema, { SECRET: 'short', NATS_URL: 'http://x', HEALTH_PORT: 'eighty', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['HEALTH_PORT', 'LOG_LEVEL', 'NATS_URL', 'SECRET']);
    expect((error as ConfigError).message).toContain('SECRET: must be at least 8 characters');
  });

  it('when a required value is missing, then it says so', () => {
    expect(() => loadConfig(schema, {})).toThrow(/SECRET: is required/);
  });

  it('when MONGO_URL is not a MongoDB URL, then it is refused', () => {
    expect(() => loadConfig(schema, { SECRET: 'abcdefgh', MONGO_URL: 'postgres://x' })).toThrow(/MONGO_URL/);
  });

  it('when NODE_ENV is production and a setting still holds the CHANGE_ME placeholder, then it is refused by name', () => {
    const placeholder = { SECRET: 'CHANGE_ME-secret', MONGO_URL: 'mongodb://app:CHANGE_ME@db:27017/x', NODE_ENV: 'production' };
    expect(() => loadConfig(schema, placeholder)).toThrow(ConfigError);
    try {
      loadConfig(schema, placeholder);
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['MONGO_URL', 'SECRET']);
    }
    // Outside production, and for variables the service does not read, the placeholder is left alone.
    expect(loadConfig(schema, { ...placeholder, NODE_ENV: 'development' }).SECRET).toBe('CHANGE_ME-secret');
    expect(loadConfig(schema, { SECRET: 'real-secret', NODE_ENV: 'production', OTHER: 'CHANGE_ME' }).SECRET).toBe('real-secret');
  });

  it('when JETSTREAM_REPLICAS is given, then it is a count from 1 to 5', () => {
    expect(loadConfig(schema, { SECRET: 'abcdefgh' }).JETSTREAM_REPLICAS).toBe(1);
    expect(loadConfig(schema, { SECRET: 'abcdefgh', JETSTREAM_REPLICAS: '3' }).JETSTREAM_REPLICAS).toBe(3);
    expect(() => loadConfig(schema, { SECRET: 'abcdefgh', JETSTREAM_REPLICAS: '7' })).toThrow(/JETSTREAM_REPLICAS/);
  });
});
