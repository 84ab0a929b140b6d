/** A structured logger: one JSON line per entry (CloudWatch), or nothing (quiet CLI runs). */
export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
  /**
   * Keys every later line carries (the correlation ids: run, execution, date, step), as
   * Powertools' appendKeys; a key set to undefined is dropped.
   */
  appendKeys(keys: Record<string, unknown>): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(
  service: string,
  options: { level?: Level; write?: (line: string) => void } = {},
): Logger {
  const threshold = order[options.level ?? 'info'];
  const persistent: Record<string, unknown> = {};
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log =
    (level: Level) =>
    (message: string, context: Record<string, unknown> = {}) => {
      if (order[level] < threshold) return;
      write(
        JSON.stringify({
          level,
          service,
          message,
          timestamp: new Date().toISOString(),
          ...persistent,
          ...serialise(context),
        }),
      );
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    appendKeys(keys) {
      for (const [key, value] of Object.entries(keys)) {
        if (value === undefined) delete persistent[key];
        else persistent[key] = value;
      }
    },
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, appendKeys() {} };

function serialise(context: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context))
    out[key] = value instanceof Error ? errorFields(value) : value;
  return out;
}

/** As Powertools' formatError: name, message, stack, the cause (itself formatted) and own fields such as `code`. */
export function errorFields(error: Error): Record<string, unknown> {
  const { name, message, stack, cause, ...own } = error as Error & Record<string, unknown>;
  return {
    ...own,
    name,
    message,
    stack,
    ...(cause === undefined ? {} : { cause: cause instanceof Error ? errorFields(cause) : cause }),
  };
}
