/*
 * Every part of Nest the library uses that Nest does not export from a package root, in one
 * place. Nest 12's `exports` map resolves `@nestjs/core/<path>` to `<path>.js`, so a folder must
 * be named by its `index.js` (`guards/index.js`), which Nest 11, without an `exports` map,
 * resolves too. Nest 12 loads reflect-metadata only from its root index, and these files read
 * metadata as they load, hence the first import. `@nestjs/core/internal` exists in 12 only.
 */
import 'reflect-metadata';
import type { NestContainer, ModuleRef } from '@nestjs/core';

export { EXCEPTION_FILTERS_METADATA } from '@nestjs/common/constants.js';
export { ExternalExceptionFilterContext } from '@nestjs/core/exceptions/external-exception-filter-context.js';
export { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
export { GuardsConsumer, GuardsContextCreator } from '@nestjs/core/guards/index.js';
export { InterceptorsConsumer, InterceptorsContextCreator } from '@nestjs/core/interceptors/index.js';
export { PipesConsumer, PipesContextCreator } from '@nestjs/core/pipes/index.js';
export type { ParamsFactory } from '@nestjs/core/helpers/external-context-creator.js';
export type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';

/**
 * The application's container: NestContainer is not injectable, and the `ModuleRef` every
 * provider can inject holds it (a private field in Nest 11 and 12).
 */
export function containerOf(moduleRef: ModuleRef): NestContainer {
  return (moduleRef as unknown as { container: NestContainer }).container;
}
