import { InFlightDelivery } from '../dispatcher/in-flight-deliveries';

/** What a shutdown left behind: nothing, when every accepted message was handled in time. */
export interface ShutdownReport {
  drained: boolean;
  unfinished: InFlightDelivery[];
}
