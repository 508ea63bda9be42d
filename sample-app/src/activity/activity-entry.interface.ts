/** One handler call as the journal saw it: who handled which message, sent by whom to whom. */
export interface ActivityEntry {
  handlerId: string;
  messageClass: string;
  uuid: string;
  from: string;
  /** `null` for a broadcast. */
  to: string | null;
}
