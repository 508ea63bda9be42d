import { DeadLetterEntry, StoredDeadLetter, toStoredDeadLetter } from '@smart-message/nestjs';

/** An entry as JSON: binary payloads and frames as base64 with an encoding flag, as the stores keep them. */
export type DeadLetterView = StoredDeadLetter;

export function viewOf(entry: DeadLetterEntry): DeadLetterView {
  return toStoredDeadLetter(entry);
}
