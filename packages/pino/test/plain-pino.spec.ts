import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import pino from 'pino';
import { Message, MessageBus, MessageContext, SmartMessageModule, Subscribe } from '@smart-message/nestjs';
import {
  loggerInEffect,
  MessageLoggingInterceptor,
  PinoMessageLogger,
  runWithMessageLogger,
} from '@smart-message/pino';
import { waitFor } from '@smart-message/testing';
import { CapturedLog, LEVEL } from './support/captured-log';

@Message({ from: 'sensors' })
class ReadingTaken {
  @IsString() sensor = '';
}

const reading = (sensor: string): ReadingTaken => Object.assign(new ReadingTaken(), { sensor });

/** No nestjs-pino LoggerModule here: the application logs through a pino logger of its own. */
const log = new CapturedLog();
const appLogger = pino({ level: 'debug' }, log);

@Injectable()
class Thermostat {
  @Subscribe()
  onReading(taken: ReadingTaken): void {
    loggerInEffect(appLogger).info({ sensor: taken.sensor }, 'adjusting');
  }
}

describe("with the application's own pino logger and no LoggerModule", () => {
  let app: INestApplication;
  let bus: MessageBus;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'climate',
          logger: new PinoMessageLogger(appLogger),
          enhancers: { interceptors: [new MessageLoggingInterceptor(appLogger)] },
        }),
      ],
      providers: [Thermostat],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    bus = app.get(MessageBus);
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => log.clear());

  it("binds the message to the handler's lines and to the library's", async () => {
    const header = await bus.publish(reading('hall'), { correlationId: 'night-mode' });
    await waitFor(() => log.withMessage(/Thermostat\.onReading finished/).length === 1, 'the handler to finish');

    const binding = {
      correlationId: 'night-mode',
      uuid: header.uuid,
      messageClass: 'ReadingTaken',
      handler: 'Thermostat.onReading',
    };
    expect(log.withMessage('adjusting')).toEqual([
      expect.objectContaining({ level: LEVEL.info, sensor: 'hall', ...binding }),
    ]);
    expect(log.withMessage(/Thermostat\.onReading finished/)).toEqual([
      expect.objectContaining({ level: LEVEL.debug, ...binding, durationMs: expect.any(Number) }),
    ]);
  });

  it('binds bus.subscribe() callbacks through runWithMessageLogger', async () => {
    const stop = await bus.subscribe(ReadingTaken, (taken: ReadingTaken, context: MessageContext) =>
      runWithMessageLogger(appLogger, context, () =>
        loggerInEffect(appLogger).info({ sensor: taken.sensor }, 'logged'),
      ),
    );
    const header = await bus.publish(reading('attic'));
    await waitFor(() => log.withMessage('logged').length === 1, 'the callback to log');
    await stop();

    expect(log.withMessage('logged')).toEqual([
      expect.objectContaining({
        correlationId: header.uuid,
        uuid: header.uuid,
        messageClass: 'ReadingTaken',
        handler: expect.stringMatching(/^ReadingTaken\.subscriber_/),
      }),
    ]);
  });
});
