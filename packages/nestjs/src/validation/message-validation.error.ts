import { SmartMessageError } from '../errors/smart-message.error';

/** One failing property: its path (`address.city` for nested ones) and class-validator's messages by constraint. */
export interface PropertyViolation {
  property: string;
  source: 'payload' | 'header';
  constraints: Record<string, string>;
  value?: unknown;
}

/** A message (or its header) broke its rules; nothing was sent or delivered. */
export class MessageValidationError extends SmartMessageError {
  readonly code = 'SM_VALIDATION_FAILED' as const;

  constructor(
    readonly messageClass: string,
    readonly violations: PropertyViolation[],
  ) {
    super(
      `${messageClass} is invalid: ` +
        violations
          .map(
            (v) =>
              `${v.source === 'header' ? 'header.' : ''}${v.property} (${Object.values(v.constraints).join('; ')})`,
          )
          .join(', '),
    );
  }

  /** @deprecated Since 0.2: the routing name is `messageClass` everywhere, as in the header. */
  get messageType(): string {
    return this.messageClass;
  }
}
