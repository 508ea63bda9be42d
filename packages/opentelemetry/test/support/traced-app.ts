import { Provider } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { MessageBus, SmartMessageModule, Transport } from '@smart-message/nestjs';
import { OpenTelemetryMessageObserver } from '@smart-message/opentelemetry';
import { RedisPubSubTransport } from '@smart-message/redis';

/** One service of the test: a Nest application with its own bus, traced, over Redis pub/sub. */
export interface TracedApp {
  readonly app: TestingModule;
  readonly bus: MessageBus;
}

export async function startTracedApp(entity: string, prefix: string, providers: Provider[]): Promise<TracedApp> {
  const transports: Record<string, Transport> = { redis: new RedisPubSubTransport({ prefix }) };
  const moduleRef = await Test.createTestingModule({
    imports: [
      SmartMessageModule.forRoot({
        entity,
        transports,
        logger: false,
        deadLetters: false,
        observers: [new OpenTelemetryMessageObserver({ transports })],
      }),
    ],
    providers,
  }).compile();
  await moduleRef.init();
  return { app: moduleRef, bus: moduleRef.get(MessageBus) };
}
