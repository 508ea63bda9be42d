import { CanActivate, ExceptionFilter, Inject, Injectable, NestInterceptor, PipeTransform, Type } from '@nestjs/common';
import { ApplicationConfig, ExternalContextCreator, ModuleRef, ModulesContainer } from '@nestjs/core';
import type { NestContainer } from '@nestjs/core';
import { isObservable } from 'rxjs';
import { SMART_MESSAGE_CONTEXT_TYPE } from './message-execution-context';
import { MessageContext } from '../context/message-context';
import { MessageRejectedError } from '../errors';
import { MessageEnhancers } from './message-enhancers.interface';
import { SmartMessageModuleOptions } from './module-options.interface';
import {
  containerOf,
  EXCEPTION_FILTERS_METADATA,
  ExecutionContextHost,
  ExternalExceptionFilterContext,
  GuardsConsumer,
  GuardsContextCreator,
  InterceptorsConsumer,
  InterceptorsContextCreator,
  PipesConsumer,
  PipesContextCreator,
} from './nest-internals';
import { defineMessageParams, MESSAGE_PARAMS_METADATA, MessageParamsFactory } from './message-params.factory';
import { SMART_MESSAGE_MODULE_OPTIONS } from './smart-message.module-definition';

type HandlerInstance = Record<string, (...args: unknown[]) => unknown>;
type GlobalsOf<T> = () => T[];

/*
 * Nest's context creators take their global enhancers from the application's config. Message
 * handlers get the module's own list instead, and the application's only when asked, so an HTTP
 * guard never meets a message by accident.
 */
class MessageGuardsContextCreator extends GuardsContextCreator {
  constructor(
    container: NestContainer,
    config: ApplicationConfig,
    private readonly globals: GlobalsOf<CanActivate>,
    private readonly inherit: boolean,
  ) {
    super(container, config);
  }

  override getGlobalMetadata<T extends unknown[]>(...args: Parameters<GuardsContextCreator['getGlobalMetadata']>): T {
    return [...(this.inherit ? super.getGlobalMetadata(...args) : []), ...this.globals()] as T;
  }
}

class MessageInterceptorsContextCreator extends InterceptorsContextCreator {
  constructor(
    container: NestContainer,
    config: ApplicationConfig,
    private readonly globals: GlobalsOf<NestInterceptor>,
    private readonly inherit: boolean,
  ) {
    super(container, config);
  }

  override getGlobalMetadata<T extends unknown[]>(
    ...args: Parameters<InterceptorsContextCreator['getGlobalMetadata']>
  ): T {
    return [...(this.inherit ? super.getGlobalMetadata(...args) : []), ...this.globals()] as T;
  }
}

class MessagePipesContextCreator extends PipesContextCreator {
  constructor(
    container: NestContainer,
    config: ApplicationConfig,
    private readonly globals: GlobalsOf<PipeTransform>,
    private readonly inherit: boolean,
  ) {
    super(container, config);
  }

  override getGlobalMetadata<T extends unknown[]>(...args: Parameters<PipesContextCreator['getGlobalMetadata']>): T {
    return [...(this.inherit ? super.getGlobalMetadata(...args) : []), ...this.globals()] as T;
  }
}

class MessageFiltersContextCreator extends ExternalExceptionFilterContext {
  constructor(
    container: NestContainer,
    config: ApplicationConfig,
    private readonly globals: GlobalsOf<ExceptionFilter>,
    private readonly inherit: boolean,
  ) {
    super(container, config);
  }

  override getGlobalMetadata<T extends unknown[]>(
    ...args: Parameters<ExternalExceptionFilterContext['getGlobalMetadata']>
  ): T {
    return [...(this.inherit ? super.getGlobalMetadata(...args) : []), ...this.globals()] as T;
  }
}

/** A handler call with its enhancers: what the dispatcher invokes with (message, context). */
export type EnhancedHandler = (message: object, context: MessageContext) => unknown;

/**
 * Wraps `@Subscribe` methods so guards, interceptors, pipes and exception filters apply to them
 * as they do to controllers and @nestjs/microservices handlers, with an execution context of
 * type `smart-message` whose arguments are (message, MessageContext).
 */
@Injectable()
export class MessageHandlerContextCreator {
  private readonly contextCreator: ExternalContextCreator;
  private readonly guardsContextCreator: GuardsContextCreator;
  private readonly interceptorsContextCreator: InterceptorsContextCreator;
  private readonly pipesContextCreator: PipesContextCreator;
  private readonly filtersContextCreator: ExternalExceptionFilterContext;
  private readonly guardsConsumer = new GuardsConsumer();
  private readonly paramsFactory = new MessageParamsFactory();
  private readonly globals: Required<MessageEnhancers>;

  constructor(
    moduleRef: ModuleRef,
    modulesContainer: ModulesContainer,
    @Inject(SMART_MESSAGE_MODULE_OPTIONS) options: SmartMessageModuleOptions,
  ) {
    const enhancers = options.enhancers ?? {};
    this.globals = {
      guards: [...(enhancers.guards ?? [])],
      interceptors: [...(enhancers.interceptors ?? [])],
      pipes: [...(enhancers.pipes ?? [])],
      filters: [...(enhancers.filters ?? [])],
    };
    const inherit = options.applyAppEnhancers ?? false;
    const container = containerOf(moduleRef);
    const config = container.applicationConfig ?? new ApplicationConfig();
    this.guardsContextCreator = new MessageGuardsContextCreator(container, config, () => this.globals.guards, inherit);
    this.filtersContextCreator = new MessageFiltersContextCreator(
      container,
      config,
      () => this.globals.filters,
      inherit,
    );
    this.interceptorsContextCreator = new MessageInterceptorsContextCreator(
      container,
      config,
      () => this.globals.interceptors,
      inherit,
    );
    this.pipesContextCreator = new MessagePipesContextCreator(container, config, () => this.globals.pipes, inherit);
    this.contextCreator = new ExternalContextCreator(
      this.guardsContextCreator,
      this.guardsConsumer,
      this.interceptorsContextCreator,
      new InterceptorsConsumer(),
      modulesContainer,
      this.pipesContextCreator,
      new PipesConsumer(),
      this.filtersContextCreator,
    );
  }

  /** Adds enhancers for every handler created afterwards (the module's reliability defaults use it). */
  addGlobalEnhancers(enhancers: MessageEnhancers): void {
    this.globals.guards.push(...(enhancers.guards ?? []));
    this.globals.interceptors.push(...(enhancers.interceptors ?? []));
    this.globals.pipes.push(...(enhancers.pipes ?? []));
    this.globals.filters.push(...(enhancers.filters ?? []));
  }

  /**
   * `hostModuleKey` is the key of the module whose provider holds the instance: class-referenced
   * enhancers resolve there. Without it the module is looked up by the instance's class, which
   * misses providers registered under another token (`{ provide: TOKEN, useClass }`).
   */
  create(instance: object, methodName: string, handlerId: string, hostModuleKey?: string): EnhancedHandler {
    const host = instance as HandlerInstance;
    const callback = host[methodName] as (...args: unknown[]) => unknown;
    defineMessageParams(instance.constructor, methodName);
    // Guards run here rather than inside ExternalContextCreator, so a refusal is a typed,
    // never-retried MessageRejectedError instead of an HTTP ForbiddenException.
    const moduleKey = hostModuleKey || this.contextCreator.getContextModuleKey(instance.constructor);
    const guards = this.guardsContextCreator.create(instance, callback, moduleKey);
    const filters = this.exceptionFilters(instance, callback, moduleKey);
    const interceptors = this.interceptorsContextCreator.create(instance, callback, moduleKey);
    const pipes = this.pipesContextCreator.create(instance, callback, moduleKey);
    if (guards.length === 0 && filters.length === 0 && interceptors.length === 0 && pipes.length === 0) {
      // Nothing to apply: Nest's proxy would only add promise layers around the same call. What it
      // would still do is wait for an Observable a handler returns, so that is done here too.
      return (message, context) => {
        const result = callback.call(instance, message, context);
        return isObservable(result) ? this.contextCreator.transformToResult(result) : result;
      };
    }
    const proxy = this.contextCreator.create(
      instance,
      callback,
      methodName,
      MESSAGE_PARAMS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      { guards: false, interceptors: true, filters: false },
      SMART_MESSAGE_CONTEXT_TYPE,
    ) as (...args: unknown[]) => Promise<unknown>;
    return async (message, context) => {
      const args = [message, context];
      if (
        guards.length > 0 &&
        !(await this.guardsConsumer.tryActivate(guards, args, instance, callback, SMART_MESSAGE_CONTEXT_TYPE))
      ) {
        throw new MessageRejectedError(handlerId);
      }
      try {
        return await proxy(...args);
      } catch (error) {
        const filter = filters.find((candidate) => candidate.catches(error));
        if (!filter) throw error;
        const host = new ExecutionContextHost(args, instance.constructor as Type, callback);
        host.setType(SMART_MESSAGE_CONTEXT_TYPE);
        // A filter that returns has handled the failure; one that throws passes it on.
        await filter.catch(error, host);
        return undefined;
      }
    };
  }

  /**
   * The handler's exception filters, innermost first. Applied here rather than by Nest's
   * external error proxy, whose fallback logs every failure as an unhandled exception and
   * counts a filter as handling only when it returns a value.
   */
  private exceptionFilters(
    instance: object,
    callback: (...args: unknown[]) => unknown,
    moduleKey: string,
  ): MessageExceptionFilter[] {
    const routerCallback = callback as Parameters<ExternalExceptionFilterContext['create']>[1];
    this.filtersContextCreator.create(instance, routerCallback, moduleKey);
    const filters = this.filtersContextCreator.createContext(instance, routerCallback, EXCEPTION_FILTERS_METADATA) as {
      func: ExceptionFilter['catch'];
      exceptionMetatypes: Type[];
    }[];
    return filters.reverse().map(({ func, exceptionMetatypes }) => ({
      catches: (error) => exceptionMetatypes.length === 0 || exceptionMetatypes.some((type) => error instanceof type),
      catch: (error, host) => func(error, host),
    }));
  }
}

interface MessageExceptionFilter {
  catches(error: unknown): boolean;
  catch(error: unknown, host: ExecutionContextHost): unknown;
}
