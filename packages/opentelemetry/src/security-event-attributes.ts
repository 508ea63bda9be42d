import type { Attributes } from '@opentelemetry/api';
import type { SecurityEvent } from '@smart-message/nestjs';
import { MESSAGING_MESSAGE_ID } from './messaging-attributes';
import {
  SECURITY_CLAIMED_FROM,
  SECURITY_CODE,
  SECURITY_EVENT,
  SECURITY_HANDLER_ID,
  SECURITY_KID,
  SECURITY_LEVEL,
  SECURITY_MESSAGE_CLASS,
  SECURITY_MODE,
  SECURITY_REASON,
  SECURITY_SIG_KID,
  SECURITY_TRANSPORT,
  SECURITY_VERIFIED,
} from './security-attributes';

/**
 * A security event as span attributes, field by field: copying named fields (not spreading the
 * event) keeps anything a later version adds to the event out of traces until it is chosen here.
 */
export function securityEventAttributes(event: SecurityEvent): Attributes {
  const attributes: Attributes = {
    [SECURITY_EVENT]: event.name,
    [SECURITY_LEVEL]: event.level,
    [SECURITY_MODE]: event.mode,
    [SECURITY_REASON]: event.reason,
    [SECURITY_VERIFIED]: event.verified,
  };
  const optional: [string, string | undefined][] = [
    [SECURITY_CODE, event.code],
    [SECURITY_MESSAGE_CLASS, event.messageClass],
    [SECURITY_CLAIMED_FROM, event.claimedFrom],
    [SECURITY_KID, event.kid],
    [SECURITY_SIG_KID, event.sigKid],
    [SECURITY_TRANSPORT, event.transport],
    [SECURITY_HANDLER_ID, event.handlerId],
    [MESSAGING_MESSAGE_ID, event.uuid],
  ];
  for (const [name, value] of optional) if (value !== undefined) attributes[name] = value;
  return attributes;
}
