import { messageTypeRegistry } from '../catalog/message-type-registry';
import { assertSurvivesJson } from '../catalog/wire-declaration-check';
import { InvalidMessageOptionsError } from '../errors';
import { MessageOptions } from '../interfaces/message-options.interface';
import { MessageType } from '../interfaces/message-type.interface';
import { JSON_SERIALIZER_NAME } from '../codec/json.serializer';
import { MSGPACK_SERIALIZER_NAME } from '../codec/msgpack/msgpack.serializer';
import { chainSpellingProblem, payloadSerializerOf } from '../codec/chain/chain-name';
import { assertDeduplicationSize } from '../deduplication/deduplication-size';
import { VersionPlan } from '../versioning/version-plan';
import { DowncastPlan } from '../versioning/downcast-plan';

/**
 * Marks a DTO class as a message type. Properties keep their class-validator rules; the options
 * give the routing name, schema version and header defaults.
 */
export function Message(options: MessageOptions = {}): ClassDecorator {
  return (target) => {
    const type = target as unknown as MessageType;
    const name = options.name ?? type.name;
    const version = options.version ?? 1;
    if (!name) throw new InvalidMessageOptionsError('@Message() needs a name for an anonymous class');
    if (!Number.isInteger(version) || version < 1) {
      throw new InvalidMessageOptionsError(`${name}: version must be a positive integer, got ${String(version)}`);
    }
    // Composed here, at class definition, so a broken chain fails the import that declares it.
    const versions = new VersionPlan(name, version, options);
    const downcasts = options.downcast === undefined ? undefined : new DowncastPlan(name, version, options.downcast);
    assertDeduplicationSize(options.deduplication?.size, `@Message() ${name}`);
    if (options.orderingKey !== undefined && typeof options.orderingKey !== 'function')
      throw new InvalidMessageOptionsError(
        `${name}: orderingKey must be a function of the message, e.g. (m) => m.orderId`,
      );
    for (const chain of [options.serializer, ...(options.acceptSerializers ?? [])]) {
      const problem = chain === undefined ? undefined : chainSpellingProblem(chain);
      if (problem !== undefined)
        throw new InvalidMessageOptionsError(`${name}: serializer chain "${String(chain)}" ${problem}`);
    }
    // json and msgpack share JSON's data model; another serializer may carry dates and instances as they are.
    const serializer = options.serializer === undefined ? undefined : payloadSerializerOf(options.serializer);
    if (serializer === undefined || serializer === JSON_SERIALIZER_NAME || serializer === MSGPACK_SERIALIZER_NAME)
      assertSurvivesJson(type, type.name || name);
    messageTypeRegistry.register({
      target: type,
      name,
      version,
      versions,
      ...(downcasts === undefined ? {} : { downcasts }),
      from: options.from,
      to: options.to,
      replyTo: options.replyTo,
      description: options.description,
      transport: options.transport,
      ...(options.serializer === undefined ? {} : { serializer: options.serializer }),
      ...(options.acceptSerializers === undefined ? {} : { acceptSerializers: [...options.acceptSerializers] }),
      ...(options.compressBeforeEncryption === undefined
        ? {}
        : { compressBeforeEncryption: options.compressBeforeEncryption }),
      ...(options.sign === undefined ? {} : { sign: options.sign }),
      ...(options.receive === undefined ? {} : { receive: { ...options.receive } }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.deduplication === undefined ? {} : { deduplication: { ...options.deduplication } }),
      ...(options.orderingKey === undefined ? {} : { orderingKey: options.orderingKey }),
    });
  };
}
