export type { TransactionalOutbox, OutboxRelayTarget } from './transactional-outbox.interface';
export { UnsupportedPublishOptionError } from './unsupported-publish-option.error';
