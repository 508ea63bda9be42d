import { Inject } from '@nestjs/common';

/** The injection token of the transport configured under `name`. */
export function getTransportToken(name: string): string {
  return `SmartMessageTransport:${name}`;
}

/** Injects a configured transport by the name it has in the module's `transports`. */
export const InjectTransport = (name: string): PropertyDecorator & ParameterDecorator =>
  Inject(getTransportToken(name));
