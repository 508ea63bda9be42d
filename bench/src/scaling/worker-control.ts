import { Redis } from 'ioredis';
import { ControlCommand, WorkerReport, controlChannel, reportList } from './control-protocol';

/**
 * A worker's end of the control protocol: hears the main process's commands, one at a time in the
 * order sent, and reports back. `stopped` settles when the main process says stop.
 */
export class WorkerControl {
  readonly stopped: Promise<void>;
  private readonly subscriber: Redis;
  private readonly commands: Redis;
  private handling: Promise<void> = Promise.resolve();
  private stop!: () => void;
  private fail!: (error: Error) => void;

  private constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly onCommand: (command: ControlCommand) => void | Promise<void>,
  ) {
    this.subscriber = new Redis(redisUrl, { lazyConnect: true });
    this.commands = new Redis(redisUrl, { lazyConnect: true });
    this.stopped = new Promise((resolve, reject) => {
      this.stop = resolve;
      this.fail = reject;
    });
  }

  /** Connects and listens; commands published before this resolved are not heard. */
  static async listen(
    redisUrl: string,
    prefix: string,
    onCommand: (command: ControlCommand) => void | Promise<void>,
  ): Promise<WorkerControl> {
    const control = new WorkerControl(redisUrl, prefix, onCommand);
    await Promise.all([control.subscriber.connect(), control.commands.connect()]);
    control.subscriber.on('message', (_channel: string, text: string) => control.receive(text));
    await control.subscriber.subscribe(controlChannel(prefix));
    return control;
  }

  async report(report: WorkerReport): Promise<void> {
    await this.commands.lpush(reportList(this.prefix), JSON.stringify(report));
  }

  close(): void {
    this.subscriber.disconnect();
    this.commands.disconnect();
  }

  private receive(text: string): void {
    const command = JSON.parse(text) as ControlCommand;
    if (command.kind === 'stop') {
      this.handling = this.handling.then(this.stop);
      return;
    }
    // One command at a time: a `go` must not overtake the `fill` before it.
    this.handling = this.handling
      .then(() => this.onCommand(command))
      .catch((error: unknown) => {
        this.fail(error instanceof Error ? error : new Error(String(error)));
      });
  }
}
