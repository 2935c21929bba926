import { preferRedis, type RedisLink } from "../failover";
import type { PubSubPort } from "./port";

/** After Redis returns, messages go out on both for this long: a subscriber's own Redis connection may still be reconnecting. */
const OVERLAP_MS = 5_000;

/**
 * Subscribes on both backends and publishes on Redis while it is up, on Postgres (LISTEN/NOTIFY)
 * while it is not, so a live page keeps hearing changes through a Redis outage. Messages are change
 * notices: one may arrive twice around a switch, which their subscribers already tolerate.
 */
export function createFailoverPubSub(link: RedisLink, redis: PubSubPort, postgres: PubSubPort, onError?: (err: unknown) => void): PubSubPort {
  let overlapUntil = 0;
  const resumers = new Set<() => void>();
  // Only a return overlaps: the first connection at start has no subscriber lagging behind it.
  let wasUp = link.up();
  const off = link.onChange((up) => {
    if (up && wasUp) overlapUntil = Date.now() + OVERLAP_MS;
    // A switch either way may have lost what was published on the side just left (or not yet heard on the other).
    for (const resume of resumers) resume();
    wasUp ||= up;
  });
  return {
    get backend() {
      return link.up() ? redis.backend : postgres.backend;
    },
    async publish(channel, message) {
      if (link.up() && Date.now() < overlapUntil) await postgres.publish(channel, message).catch(onError);
      await preferRedis(link, () => redis.publish(channel, message), () => postgres.publish(channel, message));
    },
    async subscribe(channel, onMessage, opts) {
      const offPostgres = await postgres.subscribe(channel, onMessage, opts);
      // Redis re-subscribes by itself when it returns; while it is away, its subscription waits.
      const onRedis = redis.subscribe(channel, onMessage, opts);
      const resume = opts?.onResume;
      if (resume) resumers.add(resume);
      onRedis.catch(onError);
      if (link.up()) await onRedis.catch(() => undefined);
      return async () => {
        if (resume) resumers.delete(resume);
        await offPostgres();
        if (link.up()) await (await onRedis.catch(() => undefined))?.();
        else void onRedis.then((unsubscribe) => unsubscribe(), () => {});
      };
    },
    async close() {
      off();
      await Promise.all([redis.close(), postgres.close()]);
    },
  };
}
