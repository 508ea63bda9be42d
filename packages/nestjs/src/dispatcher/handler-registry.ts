import { ConcurrencyLimiter } from '../util/concurrency-limiter';
import { HandlerDefinition } from './handler-definition.interface';

/** A handler as routing sees it: its definition and the limiter that holds it to its concurrency. */
export interface RegisteredHandler {
  readonly definition: HandlerDefinition;
  readonly limiter: ConcurrencyLimiter;
}

/** The handlers the dispatcher routes to, by message class, in the order they were added. */
export class HandlerRegistry {
  private readonly byMessageClass = new Map<string, RegisteredHandler[]>();

  /** Adds a handler; the returned function removes it again. */
  add(definition: HandlerDefinition): () => void {
    const registered: RegisteredHandler = { definition, limiter: new ConcurrencyLimiter(definition.concurrency) };
    const name = definition.messageType.name;
    this.byMessageClass.set(name, [...(this.byMessageClass.get(name) ?? []), registered]);
    return () => {
      const remaining = (this.byMessageClass.get(name) ?? []).filter((handler) => handler !== registered);
      if (remaining.length > 0) this.byMessageClass.set(name, remaining);
      else this.byMessageClass.delete(name);
    };
  }

  /** The handlers of a message class in the order they were added; undefined when it has none. */
  of(messageClass: string): readonly RegisteredHandler[] | undefined {
    return this.byMessageClass.get(messageClass);
  }

  /** The definitions of every handler, or of one message class's. */
  definitions(messageClass?: string): HandlerDefinition[] {
    const lists =
      messageClass === undefined ? [...this.byMessageClass.values()] : [this.byMessageClass.get(messageClass) ?? []];
    return lists.flat().map((handler) => handler.definition);
  }

  /** Every registered handler, for what concerns all of their limiters (idle, shutdown). */
  all(): RegisteredHandler[] {
    return [...this.byMessageClass.values()].flat();
  }
}
