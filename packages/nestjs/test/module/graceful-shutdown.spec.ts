import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  Message,
  MessageBus,
  SmartMessageModule,
  SmartMessageModuleOptions,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { createGate } from './support/gate';
import { waitFor } from '@smart-message/testing';

@Message({ from: 'shop' })
class ReportRequested {
  @IsString() reportId!: string;
}

function report(reportId: string): ReportRequested {
  return Object.assign(new ReportRequested(), { reportId });
}

/** Starts each report, then finishes it only when the test opens the gate. */
@Injectable()
class ReportWriter {
  readonly gate = createGate();
  readonly started: string[] = [];
  readonly finished: string[] = [];

  @Subscribe()
  async onReportRequested(message: ReportRequested): Promise<void> {
    this.started.push(message.reportId);
    await this.gate.opened;
    this.finished.push(message.reportId);
  }
}

/** Never finishes a report, one at a time. */
@Injectable()
class StuckReportWriter {
  readonly started: string[] = [];

  @Subscribe({ concurrency: 1 })
  onReportRequested(message: ReportRequested): Promise<void> {
    this.started.push(message.reportId);
    return new Promise<void>(() => undefined);
  }
}

async function bootstrap(
  handlerClass: typeof ReportWriter | typeof StuckReportWriter,
  options: SmartMessageModuleOptions,
) {
  const moduleRef = await Test.createTestingModule({
    imports: [SmartMessageModule.forRoot({ logger: false, ...options })],
    providers: [handlerClass],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('graceful shutdown', () => {
  let app: INestApplication;

  // Each test closes its app itself; this only cleans up after a test that failed before that.
  afterEach(async () => {
    await app.close();
  });

  it('waits for a handler in flight before app.close() resolves', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    app = await bootstrap(ReportWriter, { onUndeliverable: (event) => undeliverable.push(event) });
    const writer = app.get(ReportWriter);
    await app.get(MessageBus).publish(report('R-1'));
    await waitFor(() => writer.started.length === 1, 'the handler started');

    let closed = false;
    const closing = app.close().then(() => {
      closed = true;
    });
    // Give close every chance to finish early; it must still be waiting for the handler.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);

    writer.gate.open();
    await closing;
    expect(writer.finished).toEqual(['R-1']);
    expect(undeliverable).toEqual([]);
  });

  it('gives up after shutdownTimeoutMs: a call never started is a dead letter, a running one is only logged', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const errors: string[] = [];
    app = await bootstrap(StuckReportWriter, {
      shutdownTimeoutMs: 50,
      logger: { log: () => undefined, warn: () => undefined, error: (message: string) => void errors.push(message) },
      onUndeliverable: (event) => undeliverable.push(event),
    });
    const writer = app.get(StuckReportWriter);
    const bus = app.get(MessageBus);
    await bus.publish(report('R-2'));
    const second = await bus.publish(report('R-3'));
    await waitFor(() => writer.started.length === 1, 'the handler started on the first report');

    await app.close();

    expect(writer.started).toEqual(['R-2']);
    expect(undeliverable.map(({ reason, envelope }) => ({ reason, uuid: envelope?.header.uuid }))).toEqual([
      { reason: 'shutdown', uuid: second.uuid },
    ]);
    expect(errors).toEqual([expect.stringContaining('1 running call(s) left to end on their own')]);
  });
});
