import { InvalidOptionError, UnknownSerializerError } from '../errors';
import { PayloadSerializer } from './serializer.interface';
import { JsonSerializer } from './json.serializer';
import { MsgpackSerializer } from './msgpack/msgpack.serializer';
import { isChainPartName } from './chain/chain-name';

/**
 * Serializers by the name written in `header.serializer`, so any receiver finds the right one.
 * `json` and `msgpack` are always registered. A name is the first part of a chain, so it holds
 * no `+`.
 */
export class SerializerRegistry {
  private readonly serializers = new Map<string, PayloadSerializer>();

  constructor(serializers: readonly PayloadSerializer[] = []) {
    this.register(new JsonSerializer());
    this.register(new MsgpackSerializer());
    for (const serializer of serializers) this.register(serializer);
  }

  register(serializer: PayloadSerializer): void {
    if (!isChainPartName(serializer.name))
      throw new InvalidOptionError(
        'serializers',
        'name',
        serializer.name,
        'letters, digits, ".", "_" and "-" (a "+" joins the parts of a chain)',
      );
    this.serializers.set(serializer.name, serializer);
  }

  get(name: string): PayloadSerializer {
    const serializer = this.serializers.get(name);
    if (!serializer) throw new UnknownSerializerError(name);
    return serializer;
  }

  has(name: string): boolean {
    return this.serializers.has(name);
  }
}
