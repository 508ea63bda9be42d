import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule, INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  MemoryTransport,
  Message,
  MessageBus,
  SmartMessageModule,
  Subscribe,
  aes256gcm,
  fileKeyProvider,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'ModuleSealedCard', serializer: 'json+a256gcm' })
class ModuleSealedCard {
  @IsString() number!: string;
}

@Injectable()
class CardListener {
  readonly received: string[] = [];

  @Subscribe()
  onCard(card: ModuleSealedCard): void {
    this.received.push(card.number);
  }
}

describe('the a256gcm stage configured through SmartMessageModule', () => {
  const folder = mkdtempSync(join(tmpdir(), 'module-keys-'));
  const path = join(folder, 'keys.json');
  writeFileSync(
    path,
    JSON.stringify({ keys: [{ kid: 'm1', key: randomBytes(32).toString('base64'), status: 'primary' }] }),
  );
  let app: INestApplication | undefined;
  let memory: MemoryTransport;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  async function boot(module: DynamicModule): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: [module], providers: [CardListener] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  async function roundTrip(started: INestApplication): Promise<void> {
    await started.get(MessageBus).publish(Object.assign(new ModuleSealedCard(), { number: '4111-secret' }));
    await waitFor(() => started.get(CardListener).received.length === 1, 'the card');
    expect(started.get(CardListener).received).toEqual(['4111-secret']);
    const [sent] = memory.published();
    expect(sent!.header.serializer).toBe('json+a256gcm');
    expect(Buffer.from(sent!.payload as Uint8Array).includes('4111-secret')).toBe(false);
  }

  it('forRoot: stages: [aes256gcm({ keys: fileKeyProvider(path) })]', async () => {
    memory = new MemoryTransport({ retain: 5 });
    await roundTrip(
      await boot(
        SmartMessageModule.forRoot({
          entity: 'wallet',
          logger: false,
          transports: { memory },
          stages: [aes256gcm({ keys: fileKeyProvider(path) })],
        }),
      ),
    );
  });

  it('forRootAsync: the factory builds the stage, with keys it may have fetched first', async () => {
    memory = new MemoryTransport({ retain: 5 });
    await roundTrip(
      await boot(
        SmartMessageModule.forRootAsync({
          useFactory: async () => ({
            entity: 'wallet',
            logger: false,
            transports: { memory },
            stages: [aes256gcm({ keys: await Promise.resolve(fileKeyProvider(path).load()) })],
          }),
        }),
      ),
    );
  });

  it('does not start with a bad key: the error names the key id', async () => {
    const bad = join(folder, 'short.json');
    writeFileSync(
      bad,
      JSON.stringify({ keys: [{ kid: 'short', key: randomBytes(8).toString('base64'), status: 'primary' }] }),
    );
    await expect(
      boot(
        SmartMessageModule.forRootAsync({
          useFactory: () => ({ entity: 'wallet', logger: false, stages: [aes256gcm({ keys: fileKeyProvider(bad) })] }),
        }),
      ),
    ).rejects.toMatchObject({ code: 'SM_ENCRYPTION_KEY', message: expect.stringContaining('key "short" is 8 bytes') });
  });
});
