import { plainToInstance } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { MessageType } from '../interfaces/message-type.interface';

/** class-transformer's TransformationType.PLAIN_TO_CLASS. */
const PLAIN_TO_CLASS = 0;

/**
 * Builds message instances from decoded payloads. Classes that use class-transformer
 * decorators (@Type, @Transform, @Expose, @Exclude) go through plainToInstance; for the others
 * that would only copy the properties, so they are copied directly, some fifty times faster.
 */
export class InstanceFactory {
  private readonly classLevelMetadata = new Map<NewableFunction, boolean>();
  /** Per class, whether a property name has @Type or @Transform metadata: asked on every message. */
  private readonly propertyMetadata = new Map<NewableFunction, Map<string, boolean>>();

  create<T extends object>(type: MessageType<T>, data: Record<string, unknown>): T {
    if (this.needsTransformer(type, data)) return plainToInstance(type, data) as T;
    return Object.assign(new type(), data);
  }

  private needsTransformer(type: NewableFunction, data: Record<string, unknown>): boolean {
    let classLevel = this.classLevelMetadata.get(type);
    if (classLevel === undefined) {
      classLevel =
        defaultMetadataStorage.getExposedMetadatas(type).length > 0 ||
        defaultMetadataStorage.getExcludedMetadatas(type).length > 0;
      this.classLevelMetadata.set(type, classLevel);
    }
    if (classLevel) return true;
    let known = this.propertyMetadata.get(type);
    if (!known) {
      known = new Map();
      this.propertyMetadata.set(type, known);
    }
    for (const key in data) {
      let transformed = known.get(key);
      if (transformed === undefined) {
        transformed =
          defaultMetadataStorage.findTypeMetadata(type, key) !== undefined ||
          defaultMetadataStorage.findTransformMetadatas(type, key, PLAIN_TO_CLASS).length > 0;
        // Keys come from the sender: remember a bounded number, so odd payloads cannot grow the cache.
        if (known.size < MAX_REMEMBERED_KEYS) known.set(key, transformed);
      }
      if (transformed) return true;
    }
    return false;
  }
}

const MAX_REMEMBERED_KEYS = 256;
