import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A transport configuration `fromConfig` cannot build: a malformed entry, an unknown scheme, an
 * option the transport does not take. The message names the transport and the fix; a URL is
 * shown without its password.
 */
export class TransportConfigError extends SmartMessageError {
  readonly code = 'SM_TRANSPORT_CONFIG' as const;

  constructor(
    /** The configured transport name, when the entry got that far. */
    readonly transportName: string | undefined,
    problem: string,
  ) {
    super(`Transport configuration${transportName === undefined ? '' : ` "${transportName}"`}: ${problem}`);
  }
}

/** A configured scheme's transport package is not installed; the message says what to install. */
export class TransportPackageMissingError extends SmartMessageError {
  readonly code = 'SM_TRANSPORT_PACKAGE_MISSING' as const;

  constructor(
    readonly transportName: string,
    readonly scheme: string,
    readonly packageName: string,
    install: string,
    options: { cause: unknown },
  ) {
    super(
      `Transport "${transportName}" is configured with ${scheme}//, which needs ${packageName}, and it is not ` +
        `installed where the application runs. To fix: ${install}`,
      options,
    );
  }
}
