// class-transformer keeps its decorators' metadata in this module and exports no accessor for
// it from its entry point; the instantiation fast path only asks whether a class has any.
declare module 'class-transformer/cjs/storage' {
  export const defaultMetadataStorage: {
    findTypeMetadata(target: NewableFunction, propertyName: string): unknown;
    findTransformMetadatas(target: NewableFunction, propertyName: string, transformationType: number): unknown[];
    getExposedMetadatas(target: NewableFunction): unknown[];
    getExcludedMetadatas(target: NewableFunction): unknown[];
  };
}
