/**
 * Attribute names of the OpenTelemetry messaging semantic conventions, spelled out here rather
 * than imported so the package needs nothing beyond `@opentelemetry/api`.
 */
export const MESSAGING_SYSTEM = 'messaging.system';
export const MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const MESSAGING_MESSAGE_CONVERSATION_ID = 'messaging.message.conversation_id';
/** The older name of the operation (still read by many backends), beside its newer `.type` and `.name`. */
export const MESSAGING_OPERATION = 'messaging.operation';
export const MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const MESSAGING_OPERATION_NAME = 'messaging.operation.name';

/** What the conventions have no name for: SmartMessage's own attributes. */
export const SMART_MESSAGE_TRANSPORT = 'smart_message.transport';
export const SMART_MESSAGE_HANDLER_ID = 'smart_message.handler.id';
export const SMART_MESSAGE_DELIVERY_ATTEMPT = 'smart_message.delivery.attempt';
export const SMART_MESSAGE_FROM = 'smart_message.from';
export const SMART_MESSAGE_TO = 'smart_message.to';
