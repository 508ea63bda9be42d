/**
 * Attribute names of the `smartmessage.security` span event. They hold what identifies the
 * message and the keys involved, as the bus's `SecurityEvent` does; never payload bytes, key
 * material or signatures. The message's uuid goes under the conventions' `messaging.message.id`.
 */
export const SECURITY_SPAN_EVENT_NAME = 'smartmessage.security';
export const SECURITY_EVENT = 'smartmessage.security.event';
export const SECURITY_LEVEL = 'smartmessage.security.level';
export const SECURITY_MODE = 'smartmessage.security.mode';
export const SECURITY_REASON = 'smartmessage.security.reason';
export const SECURITY_CODE = 'smartmessage.security.code';
export const SECURITY_MESSAGE_CLASS = 'smartmessage.security.message_class';
export const SECURITY_CLAIMED_FROM = 'smartmessage.security.claimed_from';
export const SECURITY_KID = 'smartmessage.security.kid';
export const SECURITY_SIG_KID = 'smartmessage.security.sig_kid';
export const SECURITY_TRANSPORT = 'smartmessage.security.transport';
export const SECURITY_HANDLER_ID = 'smartmessage.security.handler_id';
export const SECURITY_VERIFIED = 'smartmessage.security.verified';
