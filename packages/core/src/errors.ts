/**
 * A mistake of the user's (a bad flag, a bad config value, a missing path): the run stops with
 * this one-line message and no stack trace. Anything else that escapes is a bug of ours.
 */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
}

export function isConfigurationError(error: unknown): error is ConfigurationError {
  return error instanceof Error && error.name === "ConfigurationError";
}
