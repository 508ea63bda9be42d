import { INestApplication, Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessageBus, SmartMessageModule, SmartMessageModuleOptions } from '@smart-message/nestjs';
import { SmartMessageHealthIndicator, SmartMessageHealthModule, SmartMessageReadiness } from '@smart-message/terminus';

export interface HealthApp {
  app: INestApplication;
  bus: MessageBus;
  health: SmartMessageHealthIndicator;
  readiness: SmartMessageReadiness;
}

export const silentLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A Nest application with the message module, the health module and the given handler providers. */
export async function bootHealthApp(
  options: SmartMessageModuleOptions,
  providers: Provider[] = [],
): Promise<HealthApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [SmartMessageModule.forRoot({ logger: false, ...options }), SmartMessageHealthModule],
    providers,
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return {
    app,
    bus: app.get(MessageBus),
    health: app.get(SmartMessageHealthIndicator),
    readiness: app.get(SmartMessageReadiness),
  };
}

/** The `status` terminus reports under `key`. */
export function statusOf(result: Record<string, { status: string }>, key: string): string | undefined {
  return result[key]?.status;
}
