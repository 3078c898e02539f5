/**
 * Thrown by a job's domain code when trying again cannot help (a refused phone number, content
 * the provider blocks). The worker records it and stops retrying; the error stays visible.
 */
export class PermanentJobFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobFailure";
  }
}

/** Thrown when a provider asks us to wait: the worker retries after `delayMs`. */
export class RetryLater extends Error {
  constructor(
    message: string,
    public readonly delayMs: number,
  ) {
    super(message);
    this.name = "RetryLater";
  }
}
