import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  MemoryTransport,
  Message,
  MessageBus,
  MessageLogger,
  SmartMessageModule,
  Subscribe,
} from '@smart-message/nestjs';

@Message({ from: 'shop' })
class ShipmentRequested {
  @IsString() shipmentId!: string;
}

@Message({ version: 2, transport: 'audit' })
class ShipmentAudited {
  @IsString() shipmentId!: string;
}

@Message()
class ShipmentQuoted {
  @IsString() shipmentId!: string;
}

@Injectable()
class Dispatch {
  @Subscribe({ to: 'dispatch', broadcast: true })
  onShipmentRequested(_message: ShipmentRequested): void {}

  @Subscribe({ from: [/^shop-/, 'admin'], concurrency: 1 })
  onAnyShipmentRequested(_message: ShipmentRequested): void {}
}

@Injectable()
class Auditor {
  @Subscribe()
  onShipmentAudited(_message: ShipmentAudited): void {}
}

@Injectable()
class Quoter {
  @Subscribe()
  quote(message: ShipmentRequested): ShipmentQuoted {
    return Object.assign(new ShipmentQuoted(), { shipmentId: message.shipmentId });
  }
}

/** Collects what the library logs, one entry per call. */
class CollectingLogger implements MessageLogger {
  readonly lines: string[] = [];
  log(message: string): void {
    this.lines.push(message);
  }
  warn(message: string): void {
    this.lines.push(message);
  }
  error(message: string): void {
    this.lines.push(message);
  }
}

describe('routing table log', () => {
  let app: INestApplication;
  let logger: CollectingLogger;

  beforeEach(async () => {
    logger = new CollectingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'shop',
          transports: { memory: new MemoryTransport(), audit: new MemoryTransport() },
          logger,
        }),
      ],
      providers: [Dispatch, Auditor, Quoter],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterEach(async () => {
    await app.close();
  });

  const routingTables = (): string[] => logger.lines.filter((line) => line.startsWith('Routing table'));

  it('names every handler with its message type, version, filters and transport', () => {
    expect(routingTables()).toHaveLength(1);
    const rows = routingTables()[0]!
      .split('\n')
      .slice(1)
      .map((row) => row.trim());
    expect(rows.sort()).toEqual(
      [
        'ShipmentRequested v1 -> Dispatch.onShipmentRequested [to=dispatch broadcast] via memory, concurrency 100',
        'ShipmentRequested v1 -> Dispatch.onAnyShipmentRequested [from=/^shop-/|admin] via memory, concurrency 1',
        'ShipmentAudited v2 -> Auditor.onShipmentAudited [all] via audit, concurrency 100',
        'ShipmentRequested v1 -> Quoter.quote [all] via memory, concurrency 100',
      ].sort(),
    );
    expect(routingTables()[0]).toMatch(/^Routing table \(4 handlers\):/);
  });

  it('logs the table only once, even when handlers are added after startup', async () => {
    const bus = app.get(MessageBus);
    // A request adds the bus's own reply listener; a subscribe adds a callback handler.
    await bus.request(Object.assign(new ShipmentRequested(), { shipmentId: 'S-1' }), {
      replyType: ShipmentQuoted,
      timeoutMs: 1000,
    });
    const unsubscribe = await bus.subscribe(ShipmentAudited, () => undefined);
    await unsubscribe();

    expect(routingTables()).toHaveLength(1);
  });
});
