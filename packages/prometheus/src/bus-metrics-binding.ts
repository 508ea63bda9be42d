import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MessageBus } from '@smart-message/nestjs';
import { PrometheusMessageObserver } from './prometheus-message-observer';

/**
 * Points the observer's scrape-time metrics at the application's bus, and takes its metrics out
 * of the registry when the application closes, so that a new application in the same process
 * (tests, hot reload) can register them again in the default registry.
 */
@Injectable()
export class BusMetricsBinding implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly observer: PrometheusMessageObserver,
  ) {}

  onModuleInit(): void {
    // Looked up rather than injected: the bus is built from options that take this observer.
    this.observer.watch(this.moduleRef.get(MessageBus, { strict: false }));
  }

  onApplicationShutdown(): void {
    this.observer.unregister();
  }
}
