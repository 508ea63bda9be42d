import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { PublishDeclaration } from '../catalog/publish-declaration.interface';
import { PUBLISHES_METADATA } from '../constants';

/** A provider or controller class and what its `@Publishes()` declares. */
export interface DiscoveredPublisher {
  publisher: string;
  declarations: PublishDeclaration[];
}

/** Finds `@Publishes()` on the classes of providers and controllers. */
@Injectable()
export class PublisherExplorer {
  constructor(private readonly discovery: DiscoveryService) {}

  explore(): DiscoveredPublisher[] {
    const seen = new Set<unknown>();
    const found: DiscoveredPublisher[] = [];
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      // The instance's class: factory and value providers have no class of their own as metatype.
      const { instance, metatype } = wrapper;
      const type =
        typeof instance === 'object' && instance !== null ? (instance.constructor as unknown) : (metatype as unknown);
      if (typeof type !== 'function' || seen.has(type)) continue;
      seen.add(type);
      const declarations = Reflect.getMetadata(PUBLISHES_METADATA, type) as PublishDeclaration[] | undefined;
      if (declarations?.length) found.push({ publisher: type.name || 'anonymous', declarations });
    }
    return found;
  }
}
