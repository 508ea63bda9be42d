import {
  DeadLetterEntry,
  DeadLetterQueue,
  DeadLetterStore,
  MemoryTransport,
  Message,
  MessageBus,
  MessageHeader,
  MessageType,
} from '@smart-message/nestjs';
import { waitFor } from '../wait-for';

export interface ContractParcel {
  label: string;
}

let parcelType: MessageType<ContractParcel> | undefined;

/**
 * The contract's message type, declared on first use: importing `@smart-message/testing` must
 * not add a type to the catalog of every application under test.
 */
function contractParcelType(): MessageType<ContractParcel> {
  if (parcelType === undefined) {
    @Message({ name: 'DeadLetterContractParcel', from: 'contract-sender' })
    class DeadLetterContractParcel implements ContractParcel {
      label!: string;
    }
    parcelType = DeadLetterContractParcel;
  }
  return parcelType;
}

export class PackingError extends Error {
  override readonly name = 'PackingError';
}

export const PACKER = 'ContractPacker.onParcel';
export const AUDIT = 'ContractAudit.onParcel';

/**
 * A real bus on the memory transport whose dead letters go to the store under test, with two
 * handlers of one message type that fail while the test says so.
 */
export class ReplayRig {
  /** Handlers that throw while listed here. */
  readonly failing = new Set<string>();
  private readonly handledBy = new Map<string, string[]>();

  private constructor(
    readonly bus: MessageBus,
    readonly queue: DeadLetterQueue,
    readonly store: DeadLetterStore,
  ) {}

  static async start(store: DeadLetterStore): Promise<ReplayRig> {
    const queue = new DeadLetterQueue(store);
    const bus = new MessageBus({
      entity: 'contract',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => queue.record(event),
    });
    queue.connect(bus);
    const rig = new ReplayRig(bus, queue, store);
    for (const id of [PACKER, AUDIT]) {
      await bus.addHandler({
        id,
        type: contractParcelType(),
        invoke: (parcel: ContractParcel, context) => {
          if (rig.failing.has(id)) throw new PackingError(`cannot pack ${parcel.label}`);
          rig.handledBy.set(id, [...rig.handled(id), context.header.uuid]);
        },
      });
    }
    await bus.start();
    return rig;
  }

  publish(label: string): Promise<MessageHeader> {
    const Parcel = contractParcelType();
    return this.bus.publish(Object.assign(new Parcel(), { label }));
  }

  /** Uuids a handler handled, in order. */
  handled(handlerId: string): string[] {
    return this.handledBy.get(handlerId) ?? [];
  }

  /** Waits until the store lists `count` entries, then returns them oldest first. */
  async entries(count: number): Promise<DeadLetterEntry[]> {
    let seen = 0;
    await waitFor(
      async () => (seen = (await this.store.list()).total) >= count,
      () => `${count} dead letter(s), ${seen} so far`,
    );
    return (await this.store.list()).entries;
  }

  async stop(): Promise<void> {
    await this.bus.shutdown();
  }
}
