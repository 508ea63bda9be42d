import type { MessageTypeMetadata } from '../../catalog/message-type-metadata.interface';
import { UnknownSerializerError } from '../../errors';
import { EncodedPayload, Envelope } from '../../interfaces/envelope.interface';
import { MessageHeader } from '../../interfaces/message-header.interface';
import { JSON_SERIALIZER_NAME } from '../json.serializer';
import { SerializerRegistry } from '../serializer-registry';
import { CHAIN_SEPARATOR, chainSpellingProblem, payloadSerializerOf } from './chain-name';
import { ClassChains, resolveClassChains } from './class-chains';
import { SerializerChainError } from './serializer-chain.error';
import { SerializerNotAllowedError } from './serializer-not-allowed.error';
import { StageRegistry } from './stage-registry';

/** The chain classes use when their `@Message()` names none. */
export interface ChainDefaults {
  /** Default `json`. */
  readonly serializer?: string;
  readonly acceptSerializers?: readonly string[];
}

const utf8 = new TextEncoder();

/**
 * Runs serializer chains: on publish the class's serializer, then its stages in order; on
 * receipt, only a chain the receiving class accepts, its stages in reverse, then the serializer.
 * Nest-free; the publisher and the dispatcher share one per bus.
 */
export class PayloadCodec {
  private readonly classes = new WeakMap<MessageTypeMetadata, ClassChains>();

  constructor(
    readonly serializers: SerializerRegistry,
    readonly stages: StageRegistry,
    private readonly defaults: ChainDefaults = {},
  ) {}

  /** The chain a class publishes with (before stages below their minimum size are left out). */
  chainOf(metadata: MessageTypeMetadata): string {
    return this.chainsOf(metadata).chain;
  }

  /**
   * Encodes a message of the class and sets `header.serializer` to the chain that ran: a stage
   * that left the payload as it was is not named. Throws `UnknownSerializerError`,
   * `SerializerChainError` or the serializer's own error; then nothing is sent.
   */
  encode(message: object, metadata: MessageTypeMetadata, header: MessageHeader): EncodedPayload {
    const chains = this.chainsOf(metadata);
    const encoded = this.serializers.get(chains.serializerName).encode(message);
    if (chains.stages.length === 0) {
      header.serializer = chains.serializerName;
      return encoded;
    }
    header.serializer = chains.chain;
    let bytes = typeof encoded === 'string' ? utf8.encode(encoded) : encoded;
    let ran = chains.serializerName;
    let skipped = false;
    for (let index = 0; index < chains.stages.length; index++) {
      const stage = chains.stages[index];
      // Until a stage is skipped the header already names the stages as they will run.
      const planned = skipped
        ? [ran, ...chains.stages.slice(index).map((next) => next.name)].join(CHAIN_SEPARATOR)
        : chains.chain;
      const output = stage.encode(bytes, { header: skipped ? { ...header, serializer: planned } : header });
      if (output === undefined) {
        skipped = true;
        continue;
      }
      bytes = output;
      ran = `${ran}${CHAIN_SEPARATOR}${stage.name}`;
    }
    header.serializer = ran;
    // Every stage skipped: the payload goes as the serializer wrote it, the same as without stages.
    return ran === chains.serializerName ? encoded : bytes;
  }

  /**
   * Decodes a received payload for a handler of the class. A chain the class does not accept is
   * refused before any byte is read (`SerializerNotAllowedError`, or `SerializerChainError` for
   * one that is malformed or names unknown stages).
   */
  decode(envelope: Envelope, metadata: MessageTypeMetadata): unknown {
    const { header, payload } = envelope;
    const chain = header.serializer;
    const chains = this.chainsOf(metadata);
    if (!chains.allowed.has(chain)) throw this.refusal(chain, metadata, chains);
    // No stages: the serializer reads the payload as it was delivered, text as text.
    if (chain.indexOf(CHAIN_SEPARATOR) < 0) return this.serializers.get(chain).decode(payload);
    const parts = chain.split(CHAIN_SEPARATOR);
    const context = { header };
    let bytes = typeof payload === 'string' ? utf8.encode(payload) : payload;
    // An accepted chain names registered stages only: the class's chains were resolved against them.
    for (let index = parts.length - 1; index > 0; index--)
      bytes = this.stages.find(parts[index])!.decode(bytes, context);
    return this.serializers.get(parts[0]).decode(bytes);
  }

  /** The payload serializer's content type for a chain, or undefined when it is not registered. */
  contentTypeOf(chain: string): string | undefined {
    const name = payloadSerializerOf(chain);
    return this.serializers.has(name) ? this.serializers.get(name).contentType : undefined;
  }

  private chainsOf(metadata: MessageTypeMetadata): ClassChains {
    let chains = this.classes.get(metadata);
    if (chains === undefined) {
      const own = metadata.serializer !== undefined;
      chains = resolveClassChains(
        {
          serializer: metadata.serializer ?? this.defaults.serializer ?? JSON_SERIALIZER_NAME,
          acceptSerializers: metadata.acceptSerializers ?? (own ? [] : (this.defaults.acceptSerializers ?? [])),
          compressBeforeEncryption: metadata.compressBeforeEncryption ?? false,
        },
        this.stages,
      );
      this.classes.set(metadata, chains);
    }
    return chains;
  }

  /** Why a chain is refused, most specific first: its spelling, an unknown part, then the class's list. */
  private refusal(chain: string, metadata: MessageTypeMetadata, chains: ClassChains): Error {
    const spelling = chainSpellingProblem(chain);
    if (spelling !== undefined) return new SerializerChainError(chain, spelling);
    const [serializer, ...stages] = chain.split(CHAIN_SEPARATOR);
    if (!this.serializers.has(serializer)) return new UnknownSerializerError(serializer);
    const unknown = stages.find((name) => this.stages.find(name) === undefined);
    if (unknown !== undefined)
      return new SerializerChainError(
        chain,
        `names the stage "${unknown}", which is not registered: add it to the module's (or bus's) \`stages\` option`,
      );
    return new SerializerNotAllowedError(metadata.name, chain, [...chains.allowed]);
  }
}
