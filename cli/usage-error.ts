/** Bad command-line input: the message says what was wrong and what to type instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * What the command needs is not ready (a folder, a setting, the database, its schema or data):
 * the message names the setting or step at fault and what to do.
 */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}
