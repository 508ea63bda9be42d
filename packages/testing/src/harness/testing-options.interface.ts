/** Options of `SmartMessageTestingModule.forRoot()`. */
export interface SmartMessageTestingOptions {
  /**
   * Serve every configured transport name with an in-memory `TestTransport` (failure injection
   * through `harness.transport(name)`): `true` or `'memory'`. Default false: the application's
   * transports stay, and the harness only captures.
   */
  replaceTransports?: boolean | 'memory';
  /** Quiet time `harness.run()` waits for by default (default 20 ms). */
  inactivityMs?: number;
  /** How long waits and runs wait by default before failing (default 5000 ms). */
  timeoutMs?: number;
  /** Captured entries kept, all lists together; past it the oldest are dropped (default 10000). */
  capacity?: number;
}

export const SMART_MESSAGE_TESTING_OPTIONS = Symbol('smart-message:testing-options');
