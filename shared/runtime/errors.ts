/**
 * The errors LFI throws on purpose. `code` is stable; `expose` says a client may see the message.
 * Anything else is an internal error: logged, never shown.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly details: unknown;
  constructor(
    message: string,
    options: { code: string; status: number; expose?: boolean; details?: unknown; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.status = options.status;
    this.expose = options.expose ?? options.status < 500;
    this.details = options.details;
  }
}

/** Bad input: names what is wrong. */
export class InputError extends AppError {
  constructor(message: string, details?: unknown) {
    super(message, { code: 'invalid_input', status: 400, details });
  }
}

/**
 * A failure worth retrying (a busy database, a rate-limited ads API). Step Functions retries
 * errors by name, so the name must stay `TransientError`.
 */
export class TransientError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'transient', status: 503, expose: false, cause });
  }
}
