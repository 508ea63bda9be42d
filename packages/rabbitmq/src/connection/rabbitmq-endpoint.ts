/** Host and port of an `amqp://` URL, for error messages and health details (never the credentials). */
export function endpointOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'amqps:';
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port) || (secure ? 5671 : 5672) };
}
