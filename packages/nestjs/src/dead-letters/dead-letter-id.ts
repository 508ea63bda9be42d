import { createHash, randomUUID } from 'node:crypto';
import { UndeliverableMessage } from '../interfaces/undeliverable.interface';

/**
 * The entry id of an undeliverable message: derived from its uuid and handler, so a message that
 * fails again in the same handler (a redelivery, a failed replay) finds its entry. A frame that
 * could not be read is known by its bytes.
 */
export function deadLetterIdOf(event: Pick<UndeliverableMessage, 'envelope' | 'frame' | 'handlerId'>): string {
  const hash = createHash('sha256');
  if (event.envelope) {
    hash.update(`message\u0000${event.envelope.header.uuid}\u0000${event.handlerId ?? ''}`);
  } else if (event.frame !== undefined) {
    hash.update('frame\u0000');
    hash.update(event.frame);
  } else {
    return randomUUID().replace(/-/g, '');
  }
  return hash.digest('hex').slice(0, 32);
}
