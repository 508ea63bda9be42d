import { TcpProxy } from '@smart-message/testing';

export { TcpProxy };

/** A proxy in front of the shared RabbitMQ node (or `target`), whose `url()` is the guest URL through it. */
export const startRabbitMqProxy = (target = { host: '127.0.0.1', port: 5672 }): Promise<TcpProxy> =>
  TcpProxy.start(target, { url: (port) => `amqp://guest:guest@127.0.0.1:${port}` });
