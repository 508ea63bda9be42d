import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** An OpenTelemetry SDK set up as an application would, keeping finished spans in memory. */
export class InMemoryTracing {
  readonly exporter = new InMemorySpanExporter();
  private readonly provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.exporter)] });

  register(): void {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(this.provider);
  }

  async unregister(): Promise<void> {
    await this.provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  }

  spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  /** The one finished span with this name; throws (listing what there is) when there is not exactly one. */
  span(name: string): ReadableSpan {
    const found = this.spans().filter((span) => span.name === name);
    if (found.length !== 1) {
      throw new Error(`expected one span "${name}", found ${found.length} among ${this.names().join(', ')}`);
    }
    return found[0];
  }

  has(name: string): boolean {
    return this.spans().some((span) => span.name === name);
  }

  names(): string[] {
    return this.spans().map((span) => span.name);
  }
}

export const traceIdOf = (span: ReadableSpan): string => span.spanContext().traceId;
export const spanIdOf = (span: ReadableSpan): string => span.spanContext().spanId;
export const parentIdOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
