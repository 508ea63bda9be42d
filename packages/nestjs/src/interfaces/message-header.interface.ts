/** What routing reads: every field travels in the frame beside, never inside, the payload. */
export interface MessageHeader {
  /** New v4 UUID per published message; the id of deduplication and request–reply. */
  uuid: string;
  /** The message type's routing name. */
  messageClass: string;
  /** Schema version of the payload. */
  version: number;
  /** ISO 8601 with milliseconds, set at publish. */
  publishedAt: string;
  publisherPid: number;
  from: string;
  /** Absent means broadcast. */
  to?: string;
  replyTo?: string;
  /** Name of the serializer that encoded the payload. */
  serializer: string;
  /** Conversation id: a reply carries the uuid of the request it answers. */
  correlationId?: string;
  /** The uuid of the message whose handling caused this one. */
  causationId?: string;
  /**
   * When the publisher signed the message (ISO 8601), bound by the signature: receivers check it
   * against their freshness window. Set only on signed messages.
   */
  sentAt?: string;
  /**
   * The publisher's signature block, `v1;<algorithm>;<key id>;<base64url signature>`, over the
   * canonical header and a SHA-256 of the payload bytes as sent. See docs/security.md.
   */
  signature?: string;
  /** W3C trace context of the publishing span, so a trace crosses services. */
  traceparent?: string;
  tracestate?: string;
}
