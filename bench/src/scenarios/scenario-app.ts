import { INestApplicationContext, Injectable, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MemoryDeadLetterStore, MemoryTransport, SmartMessageModule, Subscribe } from '@smart-message/nestjs';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { CompletionTracker } from './completion-tracker';
import { sleepSeconds } from './handler-work';
import { BENCHMARK_SENDER, ScenarioMessageType, ScenarioPayload } from './scenario-message';
import { Scenario } from './scenarios';

/** The id the bus gives the one handler, for its statistics. */
export const SCENARIO_HANDLER_ID = 'ScenarioHandlers.process';

/**
 * A Nest application as a user writes one: SmartMessageModule on the in-memory transport and a
 * provider whose `@Subscribe` method does the scenario's work. Made per worker, since the message
 * class, the concurrency and the tracker are the worker's. Dead letters go to a store in memory,
 * so a failed handler leaves no file behind and is still counted.
 */
function scenarioModule(
  scenario: Scenario,
  messageType: ScenarioMessageType,
  concurrency: number,
  tracker: CompletionTracker,
): Type {
  @Injectable()
  class ScenarioHandlers {
    @Subscribe(messageType, { concurrency })
    process(message: ScenarioPayload): void | Promise<void> {
      const result = scenario.compute(message);
      const seconds = scenario.sleepFor(message);
      // Plain CPU handlers stay synchronous, as the original's are: no promise per message.
      if (seconds <= 0) {
        tracker.handledOne(Date.now() / 1000, result);
        return;
      }
      return sleepSeconds(seconds).then(() => tracker.handledOne(Date.now() / 1000, result));
    }
  }

  @Module({
    imports: [
      SmartMessageModule.forRoot({
        entity: BENCHMARK_SENDER,
        transports: { memory: new MemoryTransport() },
        logger: quietLogger,
        deadLetters: { store: new MemoryDeadLetterStore() },
        onUndeliverable: () => tracker.failedOne(),
      }),
    ],
    providers: [ScenarioHandlers],
  })
  class ScenarioModule {}

  return ScenarioModule;
}

/** Starts the scenario's application; transports deliver once it has bootstrapped. */
export async function startScenarioApp(
  scenario: Scenario,
  messageType: ScenarioMessageType,
  concurrency: number,
  tracker: CompletionTracker,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(scenarioModule(scenario, messageType, concurrency, tracker), {
    logger: false,
  });
  await app.init();
  return app;
}
