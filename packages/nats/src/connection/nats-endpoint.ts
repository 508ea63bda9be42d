/** The servers, first endpoint and credentials of a `nats://` URL (or a comma-separated list of them). */
export interface NatsEndpoint {
  servers: string[];
  /** The first server, for error messages and health details (never the credentials). */
  host: string;
  port: number;
  user?: string;
  pass?: string;
}

export function parseNatsUrl(url: string): NatsEndpoint {
  const servers: string[] = [];
  let user: string | undefined;
  let pass: string | undefined;
  for (const part of url
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const parsed = new URL(part.includes('://') ? part : `nats://${part}`);
    if (parsed.username && user === undefined) {
      user = decodeURIComponent(parsed.username);
      pass = parsed.password ? decodeURIComponent(parsed.password) : undefined;
    }
    servers.push(`${parsed.hostname || '127.0.0.1'}:${Number(parsed.port) || 4222}`);
  }
  if (servers.length === 0) throw new TypeError(`no NATS server in ${JSON.stringify(url)}`);
  const [host, port] = servers[0].split(/:(?=\d+$)/);
  return {
    servers,
    host,
    port: Number(port),
    ...(user !== undefined ? { user } : {}),
    ...(pass !== undefined ? { pass } : {}),
  };
}
