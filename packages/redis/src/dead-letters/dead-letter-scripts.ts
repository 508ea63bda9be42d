/**
 * Lua run in Redis so that an entry, its index fields, its place in the time index and the byte
 * count change together, and so that a bound is enforced by the write that crosses it, whichever
 * instance of a service writes. KEYS of both: entries, index, fields, counters.
 */

/** The bytes an entry counts for: from its index fields, or its stored length for entries written before them. */
const SIZE_OF = `
local function sizeOf(id)
  local fields = redis.call('HGET', KEYS[3], id)
  if fields then return cjson.decode(fields).b or 0, fields end
  return redis.call('HSTRLEN', KEYS[1], id), false
end
local function drop(id)
  local size, fields = sizeOf(id)
  local removed = redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[2], id)
  if removed == 1 then redis.call('HINCRBY', KEYS[4], 'bytes', -size) end
  return removed, size, fields
end
`;

/**
 * ARGV: id, stored JSON, score, index fields JSON, size, maxEntries, maxBytes. Writes the entry,
 * then evicts the lowest-scored others until both bounds hold; returns id, fields, size triples.
 */
export const UPSERT_SCRIPT = `${SIZE_OF}
local id = ARGV[1]
local previous = sizeOf(id)
if redis.call('HEXISTS', KEYS[1], id) == 0 then previous = 0 end
redis.call('HSET', KEYS[1], id, ARGV[2])
redis.call('HSET', KEYS[3], id, ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], id)
local bytes = redis.call('HINCRBY', KEYS[4], 'bytes', tonumber(ARGV[5]) - previous)
local count = redis.call('ZCARD', KEYS[2])
local maxEntries = tonumber(ARGV[6])
local maxBytes = tonumber(ARGV[7])
local evicted = {}
local skip = 0
while (count > maxEntries or bytes > maxBytes) and count > 1 do
  local oldest = redis.call('ZRANGE', KEYS[2], skip, skip)[1]
  if oldest == id then
    skip = 1
  else
    local removed, size, fields = drop(oldest)
    bytes = bytes - (removed == 1 and size or 0)
    count = count - 1
    table.insert(evicted, oldest)
    table.insert(evicted, fields or '')
    table.insert(evicted, size)
  end
end
if #evicted > 0 then redis.call('HINCRBY', KEYS[4], 'evicted', #evicted / 3) end
return evicted
`;

/** ARGV: the ids to remove; returns how many were there. */
export const REMOVE_SCRIPT = `${SIZE_OF}
local removed = 0
for _, id in ipairs(ARGV) do
  removed = removed + drop(id)
end
return removed
`;
