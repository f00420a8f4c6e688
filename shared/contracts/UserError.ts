/**
 * An error whose message a clinician can act on. It is the only error shape that
 * crosses IPC: main converts anything else into a UserError with code 'internal'
 * and never sends a stack trace.
 */
export type UserErrorCode =
  | 'invalid-request'
  | 'not-found'
  | 'unreadable'
  | 'unsupported'
  | 'too-large'
  | 'cancelled'
  | 'worker-crashed'
  | 'internal';

export interface UserErrorPayload {
  readonly code: UserErrorCode;
  readonly message: string;
  /** Optional extra context (a file name, a tag), never a stack trace. */
  readonly detail?: string;
}

export class UserError extends Error implements UserErrorPayload {
  override readonly name = 'UserError';
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }

  toPayload(): UserErrorPayload {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromPayload(p: UserErrorPayload): UserError {
    return new UserError(p.code, p.message, p.detail);
  }

  static isPayload(value: unknown): value is UserErrorPayload {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as UserErrorPayload).code === 'string' &&
      typeof (value as UserErrorPayload).message === 'string'
    );
  }
}

export function isCancellation(err: unknown): boolean {
  return err instanceof UserError ? err.code === 'cancelled' : (err as { name?: string } | null)?.name === 'AbortError';
}
