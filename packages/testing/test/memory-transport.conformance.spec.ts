import { MemoryTransport } from '@smart-message/nestjs';
import { describeTransportConformance } from '@smart-message/testing';

describeTransportConformance('MemoryTransport', {
  createTransport: () => new MemoryTransport(),
});
