/** Error codes our services raise; one formatter maps them to tRPC and HTTP. */
export const APP_ERROR_HTTP = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** Well-formed but not what it must be: a webhook body or a Shopify record missing a field we need. */
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_HTTP;

/** Codes that describe a passing state ("later"), so a job that hits them is retried. */
const RETRYABLE_CODES: ReadonlySet<AppErrorCode> = new Set(["TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE"]);

/**
 * A domain outcome a service reports (not found, not allowed, store not connected, malformed
 * data…). Routes and procedures turn it into its HTTP status; the queue processor fails a job that
 * throws one permanently unless it is `retryable` — so services never need to know about queues.
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Field-level messages for forms: { email: "already a member" }. */
  readonly fields?: Record<string, string>;
  /** Whether trying again later could succeed (by default only for TOO_MANY_REQUESTS and SERVICE_UNAVAILABLE). */
  readonly retryable: boolean;

  constructor(code: AppErrorCode, message: string, options?: { fields?: Record<string, string>; cause?: unknown; retryable?: boolean }) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options?.fields;
    this.retryable = options?.retryable ?? RETRYABLE_CODES.has(code);
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/**
 * Data from outside (a webhook body, a Shopify record) that lacks what we need. `detail` names the
 * field and the problem; retrying the same data cannot help.
 */
export class MalformedDataError extends AppError {
  constructor(
    readonly detail: string,
    message = detail,
  ) {
    super("UNPROCESSABLE_CONTENT", message);
    this.name = "MalformedDataError";
  }
}

/**
 * Whether retrying could help: a domain error says so itself; anything else (a database or
 * network error, a bug) is assumed to be passing and is retried within the job's attempts.
 */
export function isRetryable(err: unknown): boolean {
  return isAppError(err) ? err.retryable : true;
}
