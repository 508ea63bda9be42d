import type { MessageBus, QueueBacklog } from '@smart-message/nestjs';

/** One transport's backlog, by the name the bus knows it under. */
export interface NamedBacklog {
  transport: string;
  backlog: QueueBacklog[];
}

/**
 * Reads `backlog()` of every transport of the bus that has one, all at once, each bounded by
 * `timeoutMs` here as well as in the transport (a transport that ignores its timeout cannot
 * hold the scrape). A transport that fails or is late is left out of the answer. prom-client
 * collects a scrape's metrics together, so both backlog gauges share one read in flight.
 */
export class TransportBacklogs {
  private inFlight?: Promise<NamedBacklog[]>;

  constructor(private readonly timeoutMs: number) {}

  read(bus: MessageBus | undefined): Promise<NamedBacklog[]> {
    if (!bus) return Promise.resolve([]);
    this.inFlight ??= Promise.all(bus.transportNames().map((name) => this.one(bus, name)))
      .then((all) => all.filter((named): named is NamedBacklog => named !== undefined))
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async one(bus: MessageBus, name: string): Promise<NamedBacklog | undefined> {
    const transport = bus.transport(name);
    if (!transport.backlog) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const backlog = await Promise.race([
        transport.backlog(this.timeoutMs),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), this.timeoutMs);
        }),
      ]);
      return backlog === undefined ? undefined : { transport: name, backlog };
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
