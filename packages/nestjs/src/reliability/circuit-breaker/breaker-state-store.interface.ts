/**
 * Where circuit states are shared between the instances of a service: an instance that opens a
 * circuit says so, and the others treat it as open until it closes or the open period ends.
 */
export interface BreakerStateStore {
  /** The circuit opened; it stays open for others until `untilMs` (epoch ms) unless closed first. */
  markOpen(circuit: string, untilMs: number): Promise<void>;
  markClosed(circuit: string): Promise<void>;
  isOpen(circuit: string): Promise<boolean>;
}
