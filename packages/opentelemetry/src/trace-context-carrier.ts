import type { MessageHeader } from '@smart-message/nestjs';

/** The W3C trace context fields a message header carries. */
export interface TraceContextCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The header's trace context as a propagator reads it; empty when the publisher sent none. */
export function carrierOf(header: Readonly<MessageHeader>): TraceContextCarrier {
  const carrier: TraceContextCarrier = {};
  if (header.traceparent) carrier.traceparent = header.traceparent;
  if (header.tracestate) carrier.tracestate = header.tracestate;
  return carrier;
}

/**
 * The header with the injected trace context in place of any it had: a message republished
 * (e.g. a replayed dead letter) carries the context of its new publish, not a stale tracestate.
 */
export function withTraceContext(header: Readonly<MessageHeader>, carrier: TraceContextCarrier): MessageHeader {
  const traced: MessageHeader = { ...header, traceparent: carrier.traceparent };
  if (carrier.tracestate) traced.tracestate = carrier.tracestate;
  else delete traced.tracestate;
  return traced;
}
