import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Expose, Transform } from 'class-transformer';
import { IsOptional, IsString } from 'class-validator';
import { MemoryTransport, Message, MessageBus, MessageType, UnknownPropertiesPolicy } from '@smart-message/nestjs';
import { settled } from './wait-for';

/** Exposed to one group only: class-transformer leaves it out when no group is asked for. */
@Message()
class GroupExposed {
  @Expose({ groups: ['admin'] }) @IsOptional() @IsString() secret?: string;
  @IsString() text!: string;
}

/** Renamed on the wire. */
@Message()
class Renamed {
  @Expose({ name: 'display_name' }) @IsString() displayName!: string;
}

@Message()
class Trimmed {
  @Transform(({ value }: { value: unknown }) => String(value).trim()) @IsString() text!: string;
}

const POLICIES: UnknownPropertiesPolicy[] = ['strip', 'refuse', 'keep'];

async function receivedUnder(
  policy: UnknownPropertiesPolicy,
  type: MessageType<object>,
  payload: object,
): Promise<object[]> {
  const received: object[] = [];
  const bus = new MessageBus({
    entity: 'reader',
    unknownProperties: policy,
    transports: { memory: new MemoryTransport() },
  });
  await bus.subscribe(type, (message) => void received.push({ ...message }));
  await bus.start();
  await bus.transport('memory').publish({
    header: {
      uuid: randomUUID(),
      messageClass: type.name,
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: 1,
      from: 'writer',
      serializer: 'json',
    },
    payload: JSON.stringify(payload),
  });
  await settled(bus, type.name, 1);
  await bus.shutdown();
  return received;
}

// Each policy builds declared properties its own way; class-transformer's decorators must mean the same in all.
describe('class-transformer decorators under every unknownProperties policy', () => {
  it.each(POLICIES)('%s: a property exposed to a group only is left out, as class-transformer does', async (policy) => {
    expect(await receivedUnder(policy, GroupExposed, { text: 'hi', secret: 's3cr3t' })).toEqual([{ text: 'hi' }]);
  });

  it.each(POLICIES)('%s: a renamed property arrives under its wire name', async (policy) => {
    expect(await receivedUnder(policy, Renamed, { display_name: 'Ada' })).toEqual([{ displayName: 'Ada' }]);
  });

  it.each(POLICIES)('%s: @Transform runs', async (policy) => {
    expect(await receivedUnder(policy, Trimmed, { text: '  hi ' })).toEqual([{ text: 'hi' }]);
  });
});
