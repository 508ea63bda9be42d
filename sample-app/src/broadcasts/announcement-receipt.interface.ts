/** Response of `POST /broadcasts`: the header fields that say where the announcement went. */
export interface AnnouncementReceipt {
  uuid: string;
  from: string;
  /** `null` for a broadcast. */
  to: string | null;
}
