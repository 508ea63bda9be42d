import 'reflect-metadata';
import { INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsString } from 'class-validator';
import { MemoryTransport, Message, MessageBus, SmartMessageModule, Subscribe } from '@smart-message/nestjs';
import { settled } from '../core/wait-for';

@Message({ from: 'desk' })
class ParcelBooked {
  @IsString() parcelId!: string;
}

@Injectable()
class Depot {
  readonly booked: string[] = [];

  @Subscribe()
  onParcelBooked(parcel: ParcelBooked): void {
    this.booked.push(parcel.parcelId);
  }
}

/** What Nest's default logger (ConsoleLogger, default levels: debug included) prints meanwhile. */
async function printedWhile(action: () => Promise<void>): Promise<string[]> {
  const printed: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const capture = (chunk: string | Uint8Array): boolean => {
    printed.push(chunk.toString());
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    await action();
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
  return printed.join('').split('\n').filter(Boolean);
}

describe("the message trace with Nest's default logger", () => {
  let app: INestApplicationContext | undefined;

  afterEach(async () => {
    if (app) await printedWhile(() => app!.close());
    app = undefined;
  });

  async function bootAndPublish(traceMessages: boolean | undefined): Promise<string[]> {
    @Module({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'depot',
          transports: { memory: new MemoryTransport() },
          deadLetters: false,
          ...(traceMessages === undefined ? {} : { traceMessages }),
        }),
      ],
      providers: [Depot],
    })
    class DepotModule {}

    // No `logger` option: Nest's own ConsoleLogger, which prints debug lines by default.
    let booted: INestApplicationContext | undefined;
    await printedWhile(async () => {
      booted = await NestFactory.createApplicationContext(DepotModule, { abortOnError: false });
    });
    app = booted!;
    const bus = app.get(MessageBus);
    const lines = await printedWhile(async () => {
      await bus.publish(Object.assign(new ParcelBooked(), { parcelId: 'P-1' }));
      await settled(bus, 'ParcelBooked', 1);
    });
    expect(app.get(Depot).booked).toEqual(['P-1']);
    return lines;
  }

  const aboutTheMessage = (lines: string[]): string[] =>
    lines.filter((line) => line.includes('ParcelBooked') || line.includes('Depot.onParcelBooked'));

  it('prints nothing per message by default', async () => {
    expect(aboutTheMessage(await bootAndPublish(undefined))).toEqual([]);
  });

  it('prints nothing per message with traceMessages: false', async () => {
    expect(aboutTheMessage(await bootAndPublish(false))).toEqual([]);
  });

  it('prints each message’s way through the bus with traceMessages: true', async () => {
    const lines = await bootAndPublish(true);

    const trace = lines.filter((line) => line.includes('DEBUG') && line.includes('[SmartMessage]'));
    expect(trace).toEqual([
      expect.stringContaining('Published ParcelBooked'),
      expect.stringContaining('Received ParcelBooked'),
      expect.stringContaining('Handler Depot.onParcelBooked started'),
      expect.stringContaining('Handler Depot.onParcelBooked finished'),
    ]);
  });
});
