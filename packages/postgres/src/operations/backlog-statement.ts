/**
 * Every (group, message class) pair that has a subscription or a waiting delivery, with its
 * rows counted by state, in one statement that reads `deliveries` once. A row past its lease
 * (`visible_at <= now()` with an owner) counts as ready: its consumer is gone and it is due again.
 */
export function backlogStatement(s: string): string {
  return `
WITH counted AS (
  SELECT group_name, message_class,
    count(*) FILTER (WHERE visible_at <= now())::int AS ready,
    count(*) FILTER (WHERE visible_at > now() AND lease_owner IS NULL)::int AS delayed,
    count(*) FILTER (WHERE visible_at > now() AND lease_owner IS NOT NULL)::int AS leased,
    min(visible_at) FILTER (WHERE visible_at <= now()) AS oldest_due
  FROM ${s}.deliveries GROUP BY group_name, message_class
)
SELECT coalesce(counted.group_name, subscription.group_name) AS group_name,
  coalesce(counted.message_class, subscription.message_class) AS message_class,
  coalesce(counted.ready, 0) AS ready, coalesce(counted.delayed, 0) AS delayed,
  coalesce(counted.leased, 0) AS leased,
  coalesce(floor(extract(epoch FROM now() - counted.oldest_due) * 1000), 0)::bigint::text AS oldest_due_age_ms
FROM counted FULL JOIN ${s}.subscriptions AS subscription
  ON subscription.group_name = counted.group_name AND subscription.message_class = counted.message_class
ORDER BY 1, 2`;
}
