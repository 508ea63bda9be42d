import { HandlerDefinition } from '../dispatcher/handler-definition.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';

/** The routing table row of one handler, as logged at startup. */
export interface RouteDescription {
  messageClass: string;
  version: number;
  /** The older versions the handler's class upcasts to `version`, oldest first (empty: none). */
  upcastFrom: number[];
  handlerId: string;
  filter: string;
  transport: string;
  concurrency: number;
}

/** The rows of the handlers users registered; the bus's own reply listeners are not routes. */
export function routesOf(handlers: readonly HandlerDefinition[]): RouteDescription[] {
  return handlers
    .filter((handler) => handler.replyListener !== true)
    .map((handler) => ({
      messageClass: handler.messageType.name,
      version: handler.messageType.version,
      upcastFrom: handler.messageType.versions.upcastVersions,
      handlerId: handler.id,
      filter: handler.filter.toString(),
      transport: handler.transport,
      concurrency: handler.concurrency,
    }));
}

/** Logged once at startup, one line a route. */
export function logRoutingTable(log: MessageLogger, routes: readonly RouteDescription[]): void {
  log.log(
    `Routing table (${routes.length} handler${routes.length === 1 ? '' : 's'}):` +
      routes
        .map(
          (r) =>
            `\n  ${r.messageClass} v${r.version}${upcastNote(r.upcastFrom)} -> ${r.handlerId} [${r.filter}] via ${r.transport}, concurrency ${r.concurrency}`,
        )
        .join(''),
    { routes },
  );
}

function upcastNote(versions: readonly number[]): string {
  if (versions.length === 0) return '';
  return ` (upcasts v${versions[0]}${versions.length > 1 ? `-v${versions[versions.length - 1]}` : ''})`;
}
