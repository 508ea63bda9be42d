import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { Message, MessageBus, MessageContext, Retry, SmartMessageModule, Subscribe } from '@smart-message/nestjs';
import { withPinoLogging } from '@smart-message/pino';
import { waitFor } from '@smart-message/testing';
import { CapturedLog, LEVEL } from './support/captured-log';

@Message({ from: 'scheduler', version: 3 })
class SyncRequested {
  @IsString() account = '';
}

@Injectable()
class Synchronizer {
  constructor(private readonly logger: PinoLogger) {}

  @Subscribe()
  @Retry({ attempts: 3, initialDelayMs: 1, backoff: 'fixed', jitter: 'none' })
  sync(request: SyncRequested, context: MessageContext): void {
    this.logger.info({ attempt: context.attempt }, `syncing ${request.account}`);
    if (context.attempt < 3) throw new Error(`remote busy (attempt ${context.attempt})`);
  }
}

const log = new CapturedLog();

describe('retries in the pino log', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggerModule.forRoot({ pinoHttp: [{ level: 'debug' }, log] }),
        SmartMessageModule.forRootAsync(withPinoLogging({ useFactory: () => ({ entity: 'sync' }) })),
      ],
      providers: [Synchronizer],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('logs each retry at warn with the message fields, and every attempt inside the binding', async () => {
    const header = await app
      .get(MessageBus)
      .publish(Object.assign(new SyncRequested(), { account: 'acme' }), { correlationId: 'nightly-sync' });
    await waitFor(() => log.withMessage('Handler Synchronizer.sync finished').length === 1, 'the third attempt');

    const message = {
      uuid: header.uuid,
      messageClass: 'SyncRequested',
      correlationId: 'nightly-sync',
      handler: 'Synchronizer.sync',
    };
    expect(log.withMessage('syncing acme')).toEqual(
      [1, 2, 3].map((attempt) => expect.objectContaining({ level: LEVEL.info, attempt, ...message })),
    );
    const retries = log.withMessage(/^Retrying Synchronizer\.sync on SyncRequested/);
    expect(retries).toEqual(
      [1, 2].map((attempt) =>
        expect.objectContaining({
          level: LEVEL.warn,
          ...message,
          version: 3,
          from: 'scheduler',
          attempt,
          delayMs: expect.any(Number),
          error: `remote busy (attempt ${attempt})`,
        }),
      ),
    );
    expect(log.withMessage('Handler Synchronizer.sync finished')).toEqual([
      expect.objectContaining({ level: LEVEL.debug, ...message, attempt: 3, durationMs: expect.any(Number) }),
    ]);
  });
});
