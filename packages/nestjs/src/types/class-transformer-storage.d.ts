// class-transformer keeps its decorators' metadata in this module and exports no accessor for
// it from its entry point; instantiation and registration checks read what they need from it.
declare module 'class-transformer/cjs/storage' {
  interface StoredTypeMetadata {
    typeFunction: (options?: unknown) => unknown;
    reflectedType?: unknown;
    options?: { discriminator?: unknown };
  }
  interface StoredExposeMetadata {
    propertyName?: string;
    options?: { name?: string };
  }
  export const defaultMetadataStorage: {
    findTypeMetadata(target: NewableFunction, propertyName: string): StoredTypeMetadata | undefined;
    findTransformMetadatas(target: NewableFunction, propertyName: string, transformationType: number): unknown[];
    getExposedMetadatas(target: NewableFunction): StoredExposeMetadata[];
    getExcludedMetadatas(target: NewableFunction): unknown[];
  };
}
