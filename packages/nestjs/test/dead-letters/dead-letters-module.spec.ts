import 'reflect-metadata';
import { CanActivate, INestApplication, Injectable, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeadLetterEntry,
  DeadLetterQueue,
  MemoryDeadLetterStore,
  Message,
  MessageBus,
  SmartMessageModule,
  SmartMessageModuleOptions,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { deadLetterIdOf } from '@smart-message/nestjs/transport-kit';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'ParcelScanned', from: 'depot' })
class ParcelScanned {
  @IsString() barcode!: string;
}

/** Lets parcels through only while the depot is open. */
@Injectable()
class DepotOpenGuard implements CanActivate {
  static open = false;

  canActivate(): boolean {
    return DepotOpenGuard.open;
  }
}

@Injectable()
class ScanHandlers {
  readonly sorted: string[] = [];
  failing = false;

  @Subscribe()
  @UseGuards(DepotOpenGuard)
  sort(parcel: ParcelScanned): void {
    if (this.failing) throw new RangeError(`no chute for ${parcel.barcode}`);
    this.sorted.push(parcel.barcode);
  }
}

class ClosableStore extends MemoryDeadLetterStore {
  closed = false;

  async close(): Promise<void> {
    this.closed = true;
  }
}

const scanned = (barcode: string): ParcelScanned => Object.assign(new ParcelScanned(), { barcode });

describe('SmartMessageModule dead letters', () => {
  let app: INestApplication | undefined;
  let heard: { event: UndeliverableMessage; alreadyStored: DeadLetterEntry | undefined }[];

  const boot = async (options: SmartMessageModuleOptions): Promise<ScanHandlers> => {
    heard = [];
    DepotOpenGuard.open = false;
    const moduleRef = await Test.createTestingModule({
      imports: [SmartMessageModule.forRoot({ entity: 'depot', logger: false, ...options })],
      providers: [ScanHandlers, DepotOpenGuard],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    return app.get(ScanHandlers);
  };

  /** The user's own listener, which notes whether the dead letter was already stored when it ran. */
  const userListener = (event: UndeliverableMessage): Promise<void> =>
    app!
      .get(DeadLetterQueue)
      .get(deadLetterIdOf(event))
      .then((alreadyStored) => void heard.push({ event, alreadyStored }));

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('stores a guard rejection, then calls the user onUndeliverable, and replays through the injected queue', async () => {
    const handlers = await boot({
      deadLetters: { store: new MemoryDeadLetterStore() },
      onUndeliverable: userListener,
    });
    const queue = app!.get(DeadLetterQueue);
    const header = await app!.get(MessageBus).publish(scanned('PCL-1'));

    await waitFor(() => heard.length === 1, 'the user listener');
    const [entry] = (await queue.list()).entries;
    expect(entry).toMatchObject({
      reason: 'rejected',
      handlerId: 'ScanHandlers.sort',
      attempts: 1,
      envelope: { header },
      error: { name: 'MessageRejectedError', code: 'SM_GUARD_REJECTED' },
    });
    expect(heard[0]!.alreadyStored).toEqual(entry);

    DepotOpenGuard.open = true;
    expect((await queue.replay(entry!.id)).outcomes).toEqual([{ id: entry!.id, via: 'handler', status: 'replayed' }]);
    expect(handlers.sorted).toEqual(['PCL-1']);
    expect(await queue.stats()).toMatchObject({ total: 0 });
  });

  it('keeps a failed replay in the same entry with attempts 2, and the user listener hears both failures', async () => {
    const handlers = await boot({
      deadLetters: { store: new MemoryDeadLetterStore() },
      onUndeliverable: userListener,
    });
    DepotOpenGuard.open = true;
    handlers.failing = true;
    await app!.get(MessageBus).publish(scanned('PCL-2'));
    await waitFor(() => heard.length === 1, 'the first failure');
    const queue = app!.get(DeadLetterQueue);
    const [entry] = (await queue.list()).entries;

    const report = await queue.replay(entry!.id);

    expect(report.outcomes).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 2,
        error: expect.objectContaining({ name: 'RangeError' }),
      }),
    ]);
    expect((await queue.list()).entries).toEqual([
      expect.objectContaining({ id: entry!.id, attempts: 2, reason: 'handler-failed' }),
    ]);
    expect(heard.map((h) => h.event.reason)).toEqual(['handler-failed', 'handler-failed']);
  });

  it('closes the store after the bus at application shutdown', async () => {
    const store = new ClosableStore();
    await boot({ deadLetters: { store } });

    await app!.close();
    app = undefined;

    expect(store.closed).toBe(true);
  });

  it('keeps no dead letters with deadLetters: false, and the user listener still hears every one', async () => {
    await boot({
      deadLetters: false,
      onUndeliverable: (event) => void heard.push({ event, alreadyStored: undefined }),
    });

    await app!.get(MessageBus).publish(scanned('PCL-3'));

    await waitFor(() => heard.length === 1, 'the user listener');
    expect(app!.get(DeadLetterQueue, { strict: false })).toBeNull();
  });

  describe('by default', () => {
    const startedIn = process.cwd();
    let directory: string;

    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), 'sm-default-dead-letters-'));
      process.chdir(directory);
    });

    afterEach(() => {
      process.chdir(startedIn);
      rmSync(directory, { recursive: true, force: true });
    });

    it('appends dead letters to .smart-message/<entity>.dead-letters.jsonl under the working directory', async () => {
      await boot({});
      const file = join(directory, '.smart-message', 'depot.dead-letters.jsonl');
      expect(existsSync(file)).toBe(false);

      const header = await app!.get(MessageBus).publish(scanned('PCL-4'));

      await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'), 'the dead letter file');
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines.map((line) => JSON.parse(line) as DeadLetterEntry)).toEqual([
        expect.objectContaining({ reason: 'rejected', envelope: expect.objectContaining({ header }) }),
      ]);
      expect((await app!.get(DeadLetterQueue).list()).total).toBe(1);
    });

    it('gives each entity started from one directory its own file, and logs its absolute path', async () => {
      const logged: string[] = [];
      const logger = {
        log: (message: string) => void logged.push(message),
        warn: () => undefined,
        error: () => undefined,
      };
      const depot = await boot({ logger });
      depot.failing = true;
      DepotOpenGuard.open = true;
      const depotApp = app!;
      await boot({ entity: '../till 2/..', logger });
      const tillApp = app!;
      try {
        await depotApp.get(MessageBus).publish(scanned('PCL-5'));
        await waitFor(async () => (await depotApp.get(DeadLetterQueue).list()).total === 1, 'the depot dead letter');

        const depotFile = join(directory, '.smart-message', 'depot.dead-letters.jsonl');
        const tillFile = join(directory, '.smart-message', '__till_2_...dead-letters.jsonl');
        expect((await tillApp.get(DeadLetterQueue).list()).total).toBe(0);
        expect(existsSync(tillFile)).toBe(false);
        expect(logged.filter((line) => line.startsWith('Dead letters are kept in '))).toEqual([
          `Dead letters are kept in ${depotFile} (set deadLetters.store to keep them elsewhere)`,
          `Dead letters are kept in ${tillFile} (set deadLetters.store to keep them elsewhere)`,
        ]);
      } finally {
        await depotApp.close();
      }
    });
  });
});
