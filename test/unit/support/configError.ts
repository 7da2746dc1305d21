import { ConfigError, loadConfig } from '../../../src/server/config.js';

/** The ConfigError that loadConfig throws for `env`; fails the test if it throws nothing or something else. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}
