/** Error codes our services raise; one formatter maps them to tRPC and HTTP. */
export const APP_ERROR_HTTP = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_HTTP;

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Field-level messages for forms: { email: "already a member" }. */
  readonly fields?: Record<string, string>;

  constructor(code: AppErrorCode, message: string, options?: { fields?: Record<string, string>; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options?.fields;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
