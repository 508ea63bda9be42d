/**
 * Field/value replies (XINFO, CONFIG GET) as a map, in both shapes ioredis gives them: a flat
 * `[field, value, ...]` list (ioredis 5, ioredis 6 with the default `replyMapping: "legacy"`)
 * or an object (ioredis 6 with `replyMapping: "resp3"`).
 */
export function replyFields(reply: unknown): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (Array.isArray(reply)) {
    for (let index = 0; index + 1 < reply.length; index += 2) fields.set(String(reply[index]), reply[index + 1]);
  } else if (reply instanceof Map) {
    for (const [field, value] of reply) fields.set(String(field), value);
  } else if (reply && typeof reply === 'object') {
    for (const [field, value] of Object.entries(reply)) fields.set(field, value);
  }
  return fields;
}
