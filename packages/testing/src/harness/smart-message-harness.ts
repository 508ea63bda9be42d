import { Inject, Injectable } from '@nestjs/common';
import { MessageBus, type MessageType } from '@smart-message/nestjs';
import { HarnessAssertionError } from '../errors/harness-assertion.error';
import { HarnessConfigurationError } from '../errors/harness-configuration.error';
import { HarnessRunFailedError } from '../errors/harness-run-failed.error';
import { FailNextOptions, HandlerFaults, HandlerTarget, SlowNextOptions } from '../injection/handler-faults';
import type { TestTransport } from '../injection/test-transport';
import type { CapturedMessage, HarnessEventKind } from './captured-message';
import { HarnessOptionsExtension } from './harness-options-extension';
import { HarnessRecorder } from './harness-recorder';
import { HarnessSession } from './harness-session';
import { describeMatch, MessageMatch } from './message-match';
import { realClearTimeout, realNow, realPause, realSetTimeout } from './real-time';
import { SMART_MESSAGE_TESTING_OPTIONS, SmartMessageTestingOptions } from './testing-options.interface';

export interface HarnessWaitOptions {
  /** The list to look in (default `handled`). */
  in?: HarnessEventKind;
  /** Give up after this long (default the module's `timeoutMs`, 5000 ms). */
  timeoutMs?: number;
}

export interface HarnessExpectNoneOptions {
  /** How long nothing may show up. */
  withinMs: number;
  /** The list to look in (default `handled`). */
  in?: HarnessEventKind;
}

export interface HarnessRunOptions {
  /** How long nothing may happen before the run counts as finished (default the module's, 20 ms). */
  inactivityMs?: number;
  /** Fail if the bus is not quiet by then (default the module's `timeoutMs`, 5000 ms). */
  timeoutMs?: number;
  /** Resolve even if handlers failed or messages were dead-lettered (default false). */
  allowErrors?: boolean;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_INACTIVITY_MS = 20;

/**
 * What the bus did during a test, in typed lists, with waits that know what already happened,
 * tracked runs and failure injection. Inject it from the testing module of a test that imports
 * `SmartMessageTestingModule.forRoot()` beside the application's module.
 */
@Injectable()
export class SmartMessageHarness extends HarnessSession {
  readonly faults: HandlerFaults;

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(HarnessRecorder) private readonly recorder: HarnessRecorder,
    @Inject(HarnessOptionsExtension) private readonly extension: HarnessOptionsExtension,
    @Inject(HandlerFaults) faults: HandlerFaults,
    @Inject(SMART_MESSAGE_TESTING_OPTIONS) private readonly options: SmartMessageTestingOptions,
  ) {
    super(
      (kind) => recorder.entries(kind),
      (type) => recorder.nameOf(type),
    );
    this.faults = faults;
    recorder.useReader({
      decode: (serializer, payload) => bus.serializers.get(serializer).decode(payload),
      nameOf: (type) => bus.catalog.describe(type).name,
    });
  }

  /** Forgets everything captured so far (faults stay). */
  clear(): void {
    this.recorder.clear();
  }

  /**
   * Resolves with the first entry of `type` matching `match` in the list (default `handled`):
   * at once if it is already there, else as soon as it is captured. Rejects after the timeout,
   * listing what was captured.
   */
  waitFor<T extends object>(
    type: MessageType<T>,
    match?: MessageMatch<T>,
    options: HarnessWaitOptions = {},
  ): Promise<CapturedMessage<T>> {
    const list = this[options.in ?? 'handled'];
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const found = (): CapturedMessage<T> | undefined => list.all(type, match)[0];
    const already = found();
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const stop = this.recorder.onCapture(() => {
        const entry = found();
        if (!entry) return;
        finish();
        resolve(entry);
      });
      const timer = realSetTimeout(() => {
        finish();
        reject(
          new HarnessAssertionError(
            `Timed out after ${timeoutMs} ms waiting for ${list.kind} ${type.name}${describeMatch(match as MessageMatch<object>)}.\n${this.describe()}`,
          ),
        );
      }, timeoutMs);
      const finish = (): void => {
        realClearTimeout(timer);
        stop();
      };
    });
  }

  /**
   * Resolves after `withinMs` if no entry of `type` (matching `match`) showed up in the list
   * (default `handled`); rejects as soon as one does, or at once if one already did.
   */
  expectNone<T extends object>(
    type: MessageType<T>,
    options: HarnessExpectNoneOptions,
    match?: MessageMatch<T>,
  ): Promise<void> {
    const list = this[options.in ?? 'handled'];
    const refuse = (): HarnessAssertionError =>
      new HarnessAssertionError(
        `Expected no ${list.kind} ${type.name}${describeMatch(match as MessageMatch<object>)} within ${options.withinMs} ms.\n${list.describe()}`,
      );
    if (list.any(type, match)) return Promise.reject(refuse());
    return new Promise((resolve, reject) => {
      const stop = this.recorder.onCapture(() => {
        if (!list.any(type, match)) return;
        realClearTimeout(timer);
        stop();
        reject(refuse());
      });
      const timer = realSetTimeout(() => {
        stop();
        resolve();
      }, options.withinMs);
    });
  }

  /**
   * Runs `action`, then waits until no handler is in flight, no delayed delivery is pending and
   * nothing was captured for `inactivityMs`. Resolves with only this run's events; rejects with
   * `HarnessRunFailedError` carrying every handler error and dead letter, unless `allowErrors`.
   */
  async run(action: () => unknown, options: HarnessRunOptions = {}): Promise<HarnessSession> {
    const inactivityMs = options.inactivityMs ?? this.options.inactivityMs ?? DEFAULT_INACTIVITY_MS;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const start = this.recorder.sequence;
    const session = new HarnessSession(
      (kind) => this.recorder.entries(kind, start),
      (type) => this.recorder.nameOf(type),
    );
    const deadline = realNow() + timeoutMs;
    await action();
    // Quiet counts from the end of the action: it may push work the observers do not see.
    this.recorder.touch();
    for (;;) {
      const busy = this.bus.inFlightCount > 0 || this.recorder.pendingCount > 0;
      const quiet = this.recorder.quietForMs;
      if (!busy && quiet >= inactivityMs) break;
      if (realNow() >= deadline) {
        throw new HarnessAssertionError(
          `harness.run() timed out after ${timeoutMs} ms: ${this.bus.inFlightCount} handler calls in flight, ` +
            `${this.recorder.pendingCount} delayed deliveries pending.\n${session.describe()}`,
        );
      }
      await realPause(busy ? Math.min(5, inactivityMs) : inactivityMs - quiet);
    }
    if (options.allowErrors) return session;
    const failed = session.failed.all();
    // A handler failure that became a dead letter is one error, not two.
    const other = session.deadLettered.all().filter((entry) => entry.reason !== 'handler-failed' || !entry.handlerId);
    const errors = [...failed, ...other].map(
      (entry) => entry.error ?? new Error(`${entry.kind} ${entry.messageClass}`),
    );
    if (errors.length > 0) {
      throw new HarnessRunFailedError(
        `harness.run() saw ${failed.length} handler failures and ${other.length} other dead letters ` +
          `(pass { allowErrors: true } to expect them):\n${session.failed.describe()}\n${session.deadLettered.describe()}`,
        errors,
        session,
      );
    }
    return session;
  }

  /** Fails the next `times` calls of a handler (by id or message class) instead of running it. */
  failNext(target: HandlerTarget, options?: FailNextOptions): void {
    this.faults.failNext(target, options);
  }

  /** Delays the next `times` calls of a handler by `ms` before it runs. */
  slowNext(target: HandlerTarget, options: SlowNextOptions): void {
    this.faults.slowNext(target, options);
  }

  /**
   * The test transport serving a configured transport name, for drop, duplicate, delay, reorder,
   * disconnect and raw frames. Needs `replaceTransports`.
   */
  transport(name = this.bus.transportNames()[0]): TestTransport {
    const transport = this.extension.testTransports.get(name);
    if (transport) return transport;
    throw new HarnessConfigurationError(
      this.extension.testTransports.size === 0
        ? `harness.transport('${name}'): the transports are the application's own; pass { replaceTransports: true } to SmartMessageTestingModule.forRoot() for test transports`
        : `harness.transport('${name}'): no transport of that name; the configured ones are ${[...this.extension.testTransports.keys()].join(', ')}`,
    );
  }
}
