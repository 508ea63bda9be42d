import 'reflect-metadata';
import { IsString } from 'class-validator';
import { Envelope, MemoryTransport, Message, MessageBus, UNKNOWN_MESSAGE_TYPE } from '@smart-message/nestjs';

@Message({ name: 'TallyPing' })
class TallyPing {
  @IsString() note = 'hi';
}

const FORGED_TYPES = 2_000;

/** A frame as a sender with write access to the broker could write it, with a type of its choosing. */
function forged(type: string, index: number): Envelope {
  return {
    header: {
      uuid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      messageClass: type,
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: 1,
      from: 'somebody',
      serializer: 'json',
    },
    payload: '{}',
  };
}

describe('statistics of message types a sender makes up', () => {
  let bus: MessageBus;

  beforeEach(async () => {
    bus = new MessageBus({ entity: 'tally', transports: { memory: new MemoryTransport() } });
    await bus.subscribe(TallyPing, () => undefined);
    await bus.start();
  });

  afterEach(() => bus.shutdown());

  it('counts frames of unregistered types, received or republished, under one unknown row', async () => {
    for (let index = 0; index < FORGED_TYPES; index++) {
      await bus.dispatcher.deliver(forged(`Forged${index}`, index), 'memory');
    }
    for (let index = 0; index < 50; index++) await bus.publishEnvelope(forged(`Replayed${index}`, index));
    await bus.dispatcher.deliver(forged('TallyPing', FORGED_TYPES), 'memory');

    const { messageTypes } = bus.statistics.snapshot();
    expect(Object.keys(messageTypes).sort()).toEqual(['TallyPing', UNKNOWN_MESSAGE_TYPE]);
    expect(messageTypes[UNKNOWN_MESSAGE_TYPE]).toEqual({ published: 50, received: FORGED_TYPES });
    expect(messageTypes.TallyPing).toEqual({ published: 0, received: 1 });
    expect(bus.statistics.forType('Forged7')).toEqual({ published: 50, received: FORGED_TYPES });
  });
});
