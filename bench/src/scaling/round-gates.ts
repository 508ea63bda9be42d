/**
 * Holds back the handlers of a round until the main process says go, so that every consumer
 * starts together on a stream that is already full, however long each took to start.
 */
export class RoundGates {
  private readonly closed = new Map<number, { opened: Promise<void>; open(): void }>();
  private readonly opened = new Set<number>();

  /** A promise to wait for while `round` is held back; undefined once it may run. */
  wait(round: number): Promise<void> | undefined {
    if (this.opened.has(round)) return undefined;
    return this.gate(round).opened;
  }

  open(round: number): void {
    this.opened.add(round);
    this.gate(round).open();
    this.closed.delete(round);
  }

  private gate(round: number): { opened: Promise<void>; open(): void } {
    let gate = this.closed.get(round);
    if (!gate) {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { opened, open };
      this.closed.set(round, gate);
    }
    return gate;
  }
}
