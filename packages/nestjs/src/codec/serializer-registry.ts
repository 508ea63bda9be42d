import { UnknownSerializerError } from '../errors';
import { PayloadSerializer } from './serializer.interface';
import { JsonSerializer } from './json.serializer';

/** Serializers by the name written in `header.serializer`, so any receiver finds the right one. */
export class SerializerRegistry {
  private readonly serializers = new Map<string, PayloadSerializer>();

  constructor(serializers: readonly PayloadSerializer[] = []) {
    this.register(new JsonSerializer());
    for (const serializer of serializers) this.register(serializer);
  }

  register(serializer: PayloadSerializer): void {
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
