/*
 * Each script touches the two keys of one handler and uuid (KEYS[1] processed, KEYS[2] in
 * progress), so the check and the mark are one atomic step; the keys share a hash tag, so the
 * scripts also run on Redis Cluster.
 */

/** ARGV: token, lease ms. Answers duplicate, new (mark taken) or in-progress. */
export const BEGIN_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'duplicate' end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'new' end
return 'in-progress'
`;

/** ARGV: token, ttl seconds. Records the uuid and drops the mark if it is still this holder's. */
export const COMPLETE_SCRIPT = `
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`;

/** ARGV: token. Drops the mark if it is still this holder's. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('DEL', KEYS[2]) end
return 0
`;

/** ARGV: token, lease ms. Extends the mark if it is still this holder's; 0 when it was lost. */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 0
`;
