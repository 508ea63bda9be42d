import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Transport } from '../transports/transport.interface';
import { TransportConfigError, TransportPackageMissingError } from './transport-config.error';
import { TRANSPORT_SCHEMES, type ConfigOptionType, type TransportScheme } from './transport-schemes';

/** The environment variable `fromConfig(process.env)` reads: `name=url` entries separated by commas or semicolons. */
export const TRANSPORTS_VARIABLE = 'SMART_MESSAGE_TRANSPORTS';

/** A configuration file's shape (JSON): transport names and their URLs. */
export interface TransportsConfig {
  transports: Record<string, string>;
}

export interface FromConfigOptions {
  /**
   * Loads a transport package by name. Default: Node's `require`, resolved from `resolveFrom`,
   * so the application's own installation is used.
   */
  load?: (packageName: string) => unknown;
  /** Where packages are resolved from by the default loader. Default: the working directory. */
  resolveFrom?: string;
}

type Constructor = new (options: Record<string, unknown>) => Transport;

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MAX_ENTRIES = 32;
const MAX_URL_CHARS = 2048;

/**
 * Transports from a URL-style configuration, for `SmartMessageModule.forRoot({ transports: fromConfig(process.env) })`:
 * `SMART_MESSAGE_TRANSPORTS="events=redis+streams://cache:6379?prefix=shop,db=postgres://app@db/app"`, a
 * `{ transports: { name: url } }` object, or the path of a JSON file of that shape. Schemes: `memory:`,
 * `redis://` (pub/sub), `redis+streams://`, `postgres://`, `amqp://`, `amqp+broadcast://`, `nats://` (JetStream), `nats+core://` (and their TLS forms); each
 * package is loaded only when its scheme is used, and a missing one fails naming what to install. Query
 * parameters set the transport's options (`?prefix=shop&maxDeliveries=10`); an option the transport does not
 * take, or a value of the wrong type, is refused rather than ignored.
 */
export function fromConfig(
  source: NodeJS.ProcessEnv | TransportsConfig | string,
  options: FromConfigOptions = {},
): Record<string, Transport> {
  const entries = entriesOf(source);
  if (entries.length === 0) throw new TransportConfigError(undefined, 'no transport is configured');
  if (entries.length > MAX_ENTRIES)
    throw new TransportConfigError(undefined, `${entries.length} transports, more than ${MAX_ENTRIES}`);
  const load = options.load ?? createRequire(join(resolve(options.resolveFrom ?? process.cwd()), 'noop.js'));
  const transports: Record<string, Transport> = {};
  for (const [name, url] of entries) {
    if (!NAME.test(name))
      throw new TransportConfigError(name, 'a name is a letter then letters, digits, - or _ (at most 64)');
    if (Object.prototype.hasOwnProperty.call(transports, name))
      throw new TransportConfigError(name, 'configured twice');
    transports[name] = build(name, url, load);
  }
  return transports;
}

function entriesOf(source: NodeJS.ProcessEnv | TransportsConfig | string): [string, string][] {
  if (typeof source === 'string') return entriesOfFile(source);
  if (isTransportsConfig(source)) return Object.entries(source.transports).map(([name, url]) => [name, String(url)]);
  const variable = source[TRANSPORTS_VARIABLE];
  if (variable === undefined || variable.trim() === '')
    throw new TransportConfigError(
      undefined,
      `${TRANSPORTS_VARIABLE} is not set: set it to name=url entries, e.g. ${TRANSPORTS_VARIABLE}="events=redis://127.0.0.1:6379"`,
    );
  return joinSeedNodes(variable.split(/[,;]/))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const at = entry.indexOf('=');
      if (at <= 0) throw new TransportConfigError(undefined, `"${entry.slice(0, 64)}" is not name=url`);
      return [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
    });
}

/**
 * Entries are separated by commas, and so are the seed nodes of a cluster URL
 * (`events=redis+cluster://a:6379,b:6379`): a piece that is a `host:port` (with the URL's path or
 * query after it) right after a cluster URL whose query has not started is one more node of it.
 */
function joinSeedNodes(pieces: string[]): string[] {
  const entries: string[] = [];
  for (const piece of pieces) {
    const previous = entries[entries.length - 1];
    const inSeedList = previous !== undefined && /\+cluster:\/\/[^/?#]*$/.test(previous);
    if (inSeedList && /^\s*[^\s=/?#,;]+:\d{1,5}(?:[/?].*)?$/.test(piece))
      entries[entries.length - 1] = `${previous},${piece.trim()}`;
    else entries.push(piece);
  }
  return entries;
}

function entriesOfFile(path: string): [string, string][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TransportConfigError(undefined, `cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  if (!isTransportsConfig(parsed))
    throw new TransportConfigError(undefined, `${path} must hold { "transports": { "<name>": "<url>" } }`);
  return entriesOf(parsed);
}

function isTransportsConfig(value: unknown): value is TransportsConfig {
  const transports = (value as { transports?: unknown } | null)?.transports;
  return (
    typeof transports === 'object' &&
    transports !== null &&
    !Array.isArray(transports) &&
    Object.values(transports).every((url) => typeof url === 'string')
  );
}

function build(name: string, text: string, load: (packageName: string) => unknown): Transport {
  if (text.length > MAX_URL_CHARS)
    throw new TransportConfigError(name, `the URL is longer than ${MAX_URL_CHARS} characters`);
  const seeds = seedNodesOf(text);
  let url: URL;
  try {
    // A list of seed nodes is no URL authority: the URL is read with a placeholder host.
    url = new URL(seeds ? text.replace(`//${seeds.authority}`, '//seeds') : text);
  } catch {
    throw new TransportConfigError(name, `"${redacted(text)}" is not a URL, e.g. redis://127.0.0.1:6379`);
  }
  const scheme = TRANSPORT_SCHEMES.find((candidate) => candidate.scheme === url.protocol);
  if (!scheme)
    throw new TransportConfigError(
      name,
      `unknown scheme ${url.protocol}// (known: ${TRANSPORT_SCHEMES.map((known) => known.scheme).join(' ')})`,
    );
  const transportOptions: Record<string, unknown> = { ...scheme.fixed, ...queryOptions(name, url, scheme) };
  if (scheme.seedNodes) {
    if (!seeds || seeds.nodes.length === 0)
      throw new TransportConfigError(
        name,
        `${scheme.scheme}// takes seed nodes as host:port,host:port (e.g. ${scheme.scheme}//10.0.0.1:6379,10.0.0.2:6379)`,
      );
    transportOptions.cluster = { nodes: seeds.nodes };
    if (seeds.password !== undefined)
      transportOptions.redisOptions = {
        ...(seeds.username ? { username: seeds.username } : {}),
        password: seeds.password,
      };
  } else if (scheme.urlOption) {
    const address = new URL(url.href);
    address.search = '';
    // `redis+streams:` and `amqp+broadcast:` are our spelling, not the client's: it gets the plain scheme.
    transportOptions[scheme.urlOption] = address.href.replace(/^([a-z]+)\+[a-z]+:/, '$1:');
  }
  const Transport = scheme.local ?? loadTransport(name, scheme, load);
  return new Transport(transportOptions);
}

/** The seed nodes of a cluster URL (`scheme://[user:password@]host:port,host:port[/][?query]`), or undefined for another URL. */
function seedNodesOf(
  text: string,
): { authority: string; nodes: string[]; username?: string; password?: string } | undefined {
  const match = /^[a-z+]+\+cluster:\/\/([^/?#]*)/.exec(text);
  if (!match) return undefined;
  const authority = match[1];
  const at = authority.lastIndexOf('@');
  const hosts = at === -1 ? authority : authority.slice(at + 1);
  const nodes = hosts.split(',').filter((node) => node !== '');
  if (at === -1) return { authority, nodes };
  const credentials = authority.slice(0, at);
  const colon = credentials.indexOf(':');
  const decode = (part: string): string => decodeURIComponent(part);
  return colon === -1
    ? { authority, nodes, password: decode(credentials) }
    : {
        authority,
        nodes,
        username: decode(credentials.slice(0, colon)),
        password: decode(credentials.slice(colon + 1)),
      };
}

function queryOptions(name: string, url: URL, scheme: TransportScheme): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, raw] of url.searchParams) {
    const type: ConfigOptionType | undefined = Object.prototype.hasOwnProperty.call(scheme.options, key)
      ? scheme.options[key]
      : undefined;
    if (type === undefined)
      throw new TransportConfigError(
        name,
        `${scheme.exportName} takes no option "${key.slice(0, 64)}" from the URL (it takes: ${Object.keys(scheme.options).join(', ')})`,
      );
    options[key] = typed(name, key, raw, type);
  }
  return options;
}

function typed(name: string, key: string, raw: string, type: ConfigOptionType): unknown {
  if (type === 'string') return raw;
  if (type === 'boolean') {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw new TransportConfigError(name, `${key} must be true or false, got "${raw.slice(0, 64)}"`);
  }
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new TransportConfigError(name, `${key} must be a number, got "${raw.slice(0, 64)}"`);
  return value;
}

function loadTransport(name: string, scheme: TransportScheme, load: (packageName: string) => unknown): Constructor {
  let loaded: unknown;
  try {
    loaded = load(scheme.packageName);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND')
      throw new TransportPackageMissingError(name, scheme.scheme, scheme.packageName, scheme.install, {
        cause: error,
      });
    throw error;
  }
  const Transport = (loaded as Record<string, unknown> | undefined)?.[scheme.exportName];
  if (typeof Transport !== 'function')
    throw new TransportConfigError(
      name,
      `${scheme.packageName} has no ${scheme.exportName}: install a version that does (${scheme.install})`,
    );
  return Transport as Constructor;
}

/** The URL without its password, for messages. */
function redacted(text: string): string {
  return text.slice(0, 200).replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}
