/** Holds handlers inside a delivery until the test opens it, so "in flight" is a state the test controls. */
export class Gate {
  readonly whenOpen: Promise<void>;
  private release!: () => void;

  constructor() {
    this.whenOpen = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    this.release();
  }
}
