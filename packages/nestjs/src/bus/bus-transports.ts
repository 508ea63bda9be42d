import { DEFAULT_TRANSPORT_NAME } from '../constants';
import { UnknownTransportError } from '../errors';
import { Transport } from '../transports/transport.interface';
import { MemoryTransport } from '../transports/memory.transport';

/** The bus's configured transports by name, and the one for message types that name none. */
export class BusTransports {
  /** Where message types that name no transport travel. */
  readonly defaultName: string;
  private readonly byName: ReadonlyMap<string, Transport>;

  constructor(transports: Record<string, Transport> | undefined, defaultName: string | undefined) {
    this.byName = new Map(Object.entries(transports ?? { [DEFAULT_TRANSPORT_NAME]: new MemoryTransport() }));
    const names = this.names();
    this.defaultName = defaultName ?? (names[0] as string);
    if (!this.byName.has(this.defaultName)) throw new UnknownTransportError(this.defaultName, names);
  }

  /** The transport of this name; throws `UnknownTransportError` when none is configured. */
  get(name: string): Transport {
    const transport = this.byName.get(name);
    if (!transport) throw new UnknownTransportError(name, this.names());
    return transport;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  all(): Transport[] {
    return [...this.byName.values()];
  }
}
