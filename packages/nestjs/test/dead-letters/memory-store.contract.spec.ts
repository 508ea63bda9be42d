import { MemoryDeadLetterStore } from '@smart-message/nestjs';
import { describeDeadLetterStoreContract } from '@smart-message/testing';

describeDeadLetterStoreContract('MemoryDeadLetterStore', {
  createStore: (bounds) => new MemoryDeadLetterStore(bounds),
});
