/** A messaging variable of the sample is missing or wrong: the app refuses to start, naming the variable and the fix. */
export class MessagingConfigError extends Error {
  override readonly name = 'MessagingConfigError';
  readonly code = 'SAMPLE_MESSAGING_CONFIG';

  constructor(
    /** The environment variable to fix. */
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
