/*
 * Preloaded with `node --import ./trace-loads.mjs`: counts the modules the ES module loader
 * resolves and notes whether `file-type` is one of them. @nestjs/common 12 depends on file-type 22,
 * which declares Node >= 22; this shows whether the application's path ever loads it on Node 20.
 */
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const resolved = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => resolved.push(url));
port1.unref();
register('./trace-loads-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

export const tracedModules = () => resolved.length;
export const loadedFileType = () => resolved.some((url) => url.includes('/node_modules/file-type/'));
