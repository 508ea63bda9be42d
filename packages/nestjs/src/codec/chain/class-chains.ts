import { chainParts } from './chain-name';
import { PayloadStage } from './payload-stage.interface';
import { SerializerChainError } from './serializer-chain.error';
import { StageRegistry } from './stage-registry';

/** What a message class sends and what it accepts, resolved against the registered stages. */
export interface ClassChains {
  /** The chain it publishes with, as declared (stages below their minimum size are left out per message). */
  readonly chain: string;
  readonly serializerName: string;
  readonly stages: readonly PayloadStage[];
  /** Every chain a received message of the class may name. */
  readonly allowed: ReadonlySet<string>;
}

/** How a class declares its chains: its own (or the module's) chain and the extra ones it accepts. */
export interface ChainDeclaration {
  readonly serializer: string;
  readonly acceptSerializers: readonly string[];
  readonly compressBeforeEncryption: boolean;
}

/**
 * Resolves a class's declaration. A chain is accepted as declared and with any of its
 * compression stages left out, since a sender leaves out a stage a payload is too small for;
 * an encryption stage is never optional, so dropping one is a downgrade and refused.
 */
export function resolveClassChains(declaration: ChainDeclaration, stages: StageRegistry): ClassChains {
  const own = resolveChain(declaration.serializer, stages, declaration.compressBeforeEncryption);
  const allowed = new Set<string>();
  for (const chain of [declaration.serializer, ...declaration.acceptSerializers]) {
    const resolved =
      chain === declaration.serializer ? own : resolveChain(chain, stages, declaration.compressBeforeEncryption);
    for (const variant of withOptionalStagesLeftOut(resolved.serializerName, resolved.stages)) allowed.add(variant);
  }
  return { chain: declaration.serializer, serializerName: own.serializerName, stages: own.stages, allowed };
}

function resolveChain(
  chain: string,
  registry: StageRegistry,
  compressBeforeEncryption: boolean,
): { serializerName: string; stages: PayloadStage[] } {
  const [serializerName, ...names] = chainParts(chain);
  const stages = names.map((name) => {
    const stage = registry.find(name);
    if (!stage)
      throw new SerializerChainError(
        chain,
        `names the stage "${name}", which is not registered: add it to the module's (or bus's) \`stages\` option`,
      );
    return stage;
  });
  const encryption = stages.findIndex((stage) => stage.kind === 'encryption');
  const compression = stages.findIndex((stage) => stage.kind === 'compression');
  // An encryption stage binds the chain named in the header; a compression stage after it could
  // still skip and so change that chain after it was bound (and ciphertext does not compress).
  if (encryption >= 0 && stages.slice(encryption + 1).some((stage) => stage.kind === 'compression'))
    throw new SerializerChainError(
      chain,
      `compresses after it encrypts: put the encryption stage "${stages[encryption].name}" last (ciphertext does not compress)`,
    );
  if (encryption >= 0 && compression >= 0 && compression < encryption && !compressBeforeEncryption)
    throw new SerializerChainError(
      chain,
      'compresses before it encrypts, so the ciphertext length tells what the payload holds (CRIME/BREACH): ' +
        'drop the compression stage, or set @Message({ compressBeforeEncryption: true }) for a class whose ' +
        'payload never mixes attacker-chosen content with secrets',
    );
  return { serializerName, stages };
}

function withOptionalStagesLeftOut(serializerName: string, stages: readonly PayloadStage[]): string[] {
  let variants = [serializerName];
  for (const stage of stages) {
    const extended = variants.map((variant) => `${variant}+${stage.name}`);
    variants = stage.kind === 'compression' ? [...variants, ...extended] : extended;
  }
  return variants;
}
