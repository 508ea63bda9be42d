import { createHash } from 'node:crypto';
import { NatsInvalidNameError } from '../errors/nats-invalid-name.error';

const TOKEN_FORBIDDEN = /[\s*>]/;
const PREFIX_PATTERN = /^[A-Za-z0-9_-]+$/;
/** What a JetStream stream or consumer name may hold: no `.`, `*`, `>`, whitespace or path separators. */
const NAME_UNSAFE = /[^A-Za-z0-9_-]/g;
const MAX_NAME = 200;

/**
 * Where each message class travels on NATS: subject `<prefix>.<class>` (a class name with `.`
 * adds subject tokens), stream `<PREFIX>_<class>` and, per subscribing service (group), the
 * durable consumer `<group>__<class>`. Stream and consumer names cannot hold `.` and a few
 * other characters: those are replaced by `_`, and a short hash of the original name is added
 * so `A.B` and `A_B` never share a stream.
 */
export class NatsTopology {
  readonly streamPrefix: string;

  constructor(readonly prefix: string) {
    if (!PREFIX_PATTERN.test(prefix))
      throw new NatsInvalidNameError('prefix', prefix, 'only letters, digits, `_` and `-` are allowed');
    this.streamPrefix = prefix.toUpperCase();
  }

  subjectOf(messageClass: string): string {
    checkSubjectTokens(messageClass, 'message class');
    return `${this.prefix}.${messageClass}`;
  }

  streamOf(messageClass: string): string {
    checkSubjectTokens(messageClass, 'message class');
    return safeName(`${this.streamPrefix}_${messageClass}`);
  }

  consumerOf(group: string, messageClass: string): string {
    if (group.length === 0) throw new NatsInvalidNameError('group', group, 'it is empty');
    return safeName(`${group}__${messageClass}`);
  }

  /** The stream every dead-lettered message of this prefix goes to. */
  get deadLetterStream(): string {
    return `${this.streamPrefix}_DEAD_LETTERS`;
  }

  /** Subject of a dead letter: `<prefix>.dead-letters.<class>` (the group is a header). */
  deadLetterSubjectOf(messageClass: string): string {
    return `${this.prefix}.dead-letters.${messageClass}`;
  }

  get deadLetterSubjects(): string {
    return `${this.prefix}.dead-letters.>`;
  }
}

function checkSubjectTokens(name: string, nameKind: 'message class' | 'group'): void {
  if (name.length === 0) throw new NatsInvalidNameError(nameKind, name, 'it is empty');
  if (TOKEN_FORBIDDEN.test(name))
    throw new NatsInvalidNameError(nameKind, name, '`*` and `>` are subject wildcards and whitespace ends a subject');
  if (name.split('.').some((token) => token.length === 0))
    throw new NatsInvalidNameError(
      nameKind,
      name,
      'a subject token would be empty (`..`, or a leading or trailing `.`)',
    );
}

function safeName(raw: string): string {
  const safe = raw.replace(NAME_UNSAFE, '_');
  if (safe === raw && raw.length <= MAX_NAME) return raw;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return `${safe.slice(0, MAX_NAME - 9)}_${hash}`;
}
