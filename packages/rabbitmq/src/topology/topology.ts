import { RabbitMqInvalidNameError } from '../errors/rabbitmq-invalid-name.error';

/** AMQP short strings (exchange, queue and routing key names) hold at most 255 bytes. */
const MAX_NAME_BYTES = 255;
const PREFIX_PATTERN = /^[A-Za-z0-9._-]+$/;

/**
 * Names and arguments of everything the transport declares: one durable topic exchange
 * (`<prefix>`), one quorum queue per (group, message class) `<prefix>.<group>.<class>` bound with
 * routing key `<class>`, and beside each a dead letter queue `<queue>.dead-letters` fed by the
 * direct exchange `<prefix>.dead-letters`. The broadcast transport binds server-named exclusive
 * queues to the same exchange.
 */
export class Topology {
  readonly exchange: string;
  readonly deadLetterExchange: string;

  constructor(
    readonly prefix: string,
    /** Deliveries of a message before it is poison (durable queues only). */
    readonly maxDeliveries = 5,
    private readonly singleActiveConsumerForConcurrencyOne = true,
  ) {
    if (!PREFIX_PATTERN.test(prefix))
      throw new RabbitMqInvalidNameError('prefix', prefix, 'only letters, digits, ".", "_" and "-" are allowed');
    this.exchange = prefix;
    this.deadLetterExchange = `${prefix}.dead-letters`;
  }

  /** The routing key of a message class; refuses names a topic binding would read as a pattern. */
  routingKeyOf(messageClass: string): string {
    checkName('message class', messageClass);
    return messageClass;
  }

  queueOf(group: string, messageClass: string): string {
    checkName('group', group);
    const queue = `${this.prefix}.${group}.${this.routingKeyOf(messageClass)}`;
    if (Buffer.byteLength(`${queue}.dead-letters`) > MAX_NAME_BYTES)
      throw new RabbitMqInvalidNameError('message class', messageClass, `queue ${queue} would exceed 255 bytes`);
    return queue;
  }

  deadLetterQueueOf(queue: string): string {
    return `${queue}.dead-letters`;
  }

  /**
   * Arguments of a broadcast subscription's exclusive queue: classic (quorum queues cannot be
   * exclusive), bounded, and dropping its oldest message when full. `reject-publish` would nack
   * the publisher instead, so one slow instance would stall every publish to the exchange.
   */
  broadcastQueueArguments(maxLength: number, maxLengthBytes: number): Record<string, unknown> {
    return {
      'x-queue-type': 'classic',
      'x-max-length': maxLength,
      'x-max-length-bytes': maxLengthBytes,
      'x-overflow': 'drop-head',
    };
  }

  /** Arguments of a subscription's quorum queue. Queue arguments are fixed: every instance must declare the same. */
  queueArguments(queue: string, concurrency: number): Record<string, unknown> {
    return {
      'x-queue-type': 'quorum',
      // Deliveries after the first: the message is dead-lettered once the last one was rejected.
      'x-delivery-limit': this.maxDeliveries - 1,
      'x-dead-letter-exchange': this.deadLetterExchange,
      'x-dead-letter-routing-key': queue,
      // Dead-lettering confirmed by the dead letter queue, never dropped on the way; needs reject-publish.
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
      ...(concurrency === 1 && this.singleActiveConsumerForConcurrencyOne ? { 'x-single-active-consumer': true } : {}),
    };
  }
}

function checkName(kind: 'message class' | 'group', name: string): void {
  if (name.length === 0) throw new RabbitMqInvalidNameError(kind, name, 'it is empty');
  if (/[*#]/.test(name)) throw new RabbitMqInvalidNameError(kind, name, '"*" and "#" are wildcards in topic bindings');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw new RabbitMqInvalidNameError(kind, name, 'it exceeds 255 bytes');
}
