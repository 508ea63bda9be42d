import { Controller, INestMicroservice, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientProxy,
  ClientProxyFactory,
  EventPattern,
  MicroserviceOptions,
  Payload,
  RedisOptions,
  Transport,
} from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { BenchOrderPlaced, ReceivedOrder } from '../bench-order.message';
import { Contender, ContenderSettings, ReceiveListener } from '../contender';

/** A microservice module whose @EventPattern handler listens on `pattern`, made per run since the pattern is. */
function eventModule(pattern: string, onReceived: ReceiveListener): Type {
  @Controller()
  class OrderEventsController {
    @EventPattern(pattern)
    handle(@Payload() order: ReceivedOrder): void {
      onReceived(order.seq, order.sentAt);
    }
  }

  @Module({ controllers: [OrderEventsController] })
  class OrderEventsModule {}

  return OrderEventsModule;
}

/**
 * @nestjs/microservices' Redis transport with its defaults: a ClientProxy `emit` to an
 * @EventPattern handler of a microservice made with NestFactory.createMicroservice, both in
 * this process. No ValidationPipe: Nest does not validate unless asked.
 */
export class NestMicroservicesContender implements Contender {
  private readonly pattern: string;
  private readonly redis: RedisOptions['options'];
  private readonly client: ClientProxy;
  private microservice?: INestMicroservice;

  constructor(settings: ContenderSettings) {
    this.pattern = `${settings.prefix}orders`;
    const url = new URL(settings.redisUrl);
    this.redis = {
      host: url.hostname,
      port: Number(url.port || 6379),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    };
    this.client = ClientProxyFactory.create({ transport: Transport.REDIS, options: this.redis });
  }

  async start(onReceived: ReceiveListener): Promise<void> {
    this.microservice = await NestFactory.createMicroservice<MicroserviceOptions>(
      eventModule(this.pattern, onReceived),
      { transport: Transport.REDIS, options: this.redis, logger: false },
    );
    await this.microservice.listen();
    await this.client.connect();
  }

  publish(order: BenchOrderPlaced): Promise<unknown> {
    return lastValueFrom(this.client.emit(this.pattern, order), { defaultValue: undefined });
  }

  async stop(): Promise<void> {
    await this.client.close();
    await this.microservice?.close();
  }
}
