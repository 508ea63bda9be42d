import { TcpProxy } from '@smart-message/testing';

export { TcpProxy };

/** A proxy in front of the shared NATS server (or `target`), whose `url()` is the `nats://` URL through it. */
export const startNatsProxy = (target = { host: '127.0.0.1', port: 4222 }): Promise<TcpProxy> =>
  TcpProxy.start(target, { url: (port) => `nats://127.0.0.1:${port}` });
