/**
 * Writes the golden frames the version tests read, as each historical version of
 * CustomerRegistered wrote them. Run once per version, when that version was current:
 *   npx ts-node --transpile-only -r tsconfig-paths/register packages/nestjs/test/versioning/golden/write-golden-frames.ts
 * The frames are committed; running it again writes new uuids, which the tests do not depend on.
 */
import 'reflect-metadata';
import { IsEmail, IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import { Envelope, MemoryTransport, Message, MessageBus } from '@smart-message/nestjs';
import { CloudEventsFrameCodec } from '@smart-message/nestjs/transport-kit';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Version 1: one `name` field; `email` was any string. */
@Message({ name: 'CustomerRegistered', version: 1, from: 'accounts' })
class CustomerRegisteredV1 {
  @IsString() @IsNotEmpty() name = 'Ada Lovelace';
  @IsString() email = 'ada@example.com';
  @IsInt() @Min(0) age = 36;
}

/** Version 2: `name` split in two, `email` checked as an address. */
@Message({ name: 'CustomerRegistered', version: 2, from: 'accounts' })
class CustomerRegisteredV2 {
  @IsString() @IsNotEmpty() firstName = 'Grace';
  @IsString() @IsNotEmpty() lastName = 'Brewster Murray Hopper';
  @IsEmail() email = 'grace@example.com';
  @IsInt() @Min(0) age = 85;
}

async function write(file: string, messages: object[]): Promise<void> {
  const codec = new CloudEventsFrameCodec();
  const frames: string[] = [];
  const bus = new MessageBus({
    entity: 'accounts',
    transports: { memory: new MemoryTransport() },
    validateOnPublish: false,
    observers: [{ beforePublish: (envelope: Envelope) => void frames.push(codec.encode(envelope)) }],
  });
  await bus.start();
  for (const message of messages) await bus.publish(message);
  await bus.shutdown();
  writeFileSync(
    join(__dirname, file),
    JSON.stringify(
      frames.map((frame) => JSON.parse(frame)),
      null,
      2,
    ) + '\n',
  );
}

void (async () => {
  await write('customer-registered.v1.json', [
    new CustomerRegisteredV1(),
    // Valid in version 1, where email was any string; version 2's rule refuses it.
    Object.assign(new CustomerRegisteredV1(), { name: 'Charles Babbage', email: 'charles at home', age: 79 }),
    // A one-word name, which the split to version 2 has to cope with.
    Object.assign(new CustomerRegisteredV1(), { name: 'Hypatia', email: 'hypatia@example.com', age: 45 }),
  ]);
  await write('customer-registered.v2.json', [new CustomerRegisteredV2()]);
})();
