import { AppError } from '../runtime/errors.ts';

/**
 * The HTTP API's client errors: each fixes its status and a stable code. They are mapped to a
 * response in one place (http-edge.middleware.ts); anything else becomes a generic 500.
 */
export interface FieldProblem {
  /** Where the problem is: `query.from`, `body.branch`, `params.id`. */
  readonly field: string;
  readonly message: string;
}

export class ValidationError extends AppError {
  constructor(problems: readonly FieldProblem[]) {
    super(`Invalid request: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, {
      code: 'invalid_request',
      status: 400,
      details: problems,
    });
  }
}

export class MalformedJsonError extends AppError {
  constructor() {
    super('The request body is not valid JSON: send one JSON object.', {
      code: 'malformed_json',
      status: 400,
    });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in: send a valid bearer token in the Authorization header.') {
    super(message, { code: 'unauthorized', status: 401 });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'This change needs the admin role; your token does not carry it.') {
    super(message, { code: 'forbidden', status: 403 });
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, { code: 'not_found', status: 404 });
  }
}

export class MethodNotAllowedError extends AppError {
  readonly allow: readonly string[];
  constructor(method: string, path: string, allow: readonly string[]) {
    super(`${method} is not allowed on ${path}; use ${allow.join(', ')}.`, {
      code: 'method_not_allowed',
      status: 405,
    });
    this.allow = allow;
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(message, { code: 'conflict', status: 409 });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`, { code: 'payload_too_large', status: 413 });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super('Send the request body as JSON with Content-Type: application/json.', {
      code: 'unsupported_media_type',
      status: 415,
    });
  }
}

export class IncompleteBodyError extends AppError {
  constructor() {
    super('The request body ended before its declared length: send it again, whole.', {
      code: 'incomplete_body',
      status: 400,
    });
  }
}

export class MisdirectedRequestError extends AppError {
  constructor() {
    super('This server answers only to localhost, 127.0.0.1 or [::1] with its port in the Host header.', {
      code: 'misdirected_request',
      status: 421,
    });
  }
}

export class BadHostError extends AppError {
  constructor() {
    super('Send a Host header naming this server (localhost, 127.0.0.1 or [::1], with its port).', {
      code: 'bad_host',
      status: 400,
    });
  }
}

export class InvalidUtf8Error extends AppError {
  constructor() {
    super('The request body is not valid UTF-8: send JSON encoded as UTF-8.', {
      code: 'invalid_utf8',
      status: 400,
    });
  }
}

/** What Node's HTTP parser refuses before any route sees it: an over-long URL or headers, or bytes that are no HTTP. */
export class UnparsableRequestError extends AppError {
  constructor(tooLarge: boolean) {
    super(
      tooLarge
        ? 'The request line and headers are larger than 16 KB: send long values in a body, not in the URL.'
        : 'The request is not valid HTTP.',
      { code: tooLarge ? 'headers_too_large' : 'bad_request', status: tooLarge ? 431 : 400 },
    );
  }
}
