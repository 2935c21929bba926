import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { stores } from "../../db/schema";
import type { PubSubPort } from "../../infra/pubsub/port";

/**
 * The one place "a brand's orders changed" is published, for the live Overview and Orders pages.
 * Like sync progress (`announceSync`), a message only says that something changed, after the change
 * committed: a viewer refetches what it shows, so a lost message only delays it until its next heartbeat.
 */

export const dataChannel = (brandId: string) => `brand:${brandId}:data`;

/** Announces that the brand's commerce data changed (committed). Fire and forget. */
export function announceData(deps: { pubsub: PubSubPort }, brandId: string): void {
  deps.pubsub.publish(dataChannel(brandId), { at: Date.now() }).catch(() => {});
}

/** Announces a change of a shop's data to every brand that has the shop connected (a webhook serves them all). */
export async function announceShopData(deps: { db: Db; pubsub: PubSubPort }, input: { shopDomain: string }): Promise<void> {
  const brands = await deps.db
    .selectDistinct({ brandId: stores.brandId })
    .from(stores)
    .where(and(eq(stores.shopDomain, input.shopDomain), eq(stores.status, "connected")));
  for (const { brandId } of brands) announceData(deps, brandId);
}

/**
 * A view of `pubsub` that counts the messages it delivers: a live view's snapshot says how many
 * changes it has seen, so the browser refetches when the count moves and not on heartbeats.
 * `accept` keeps only the messages that concern the view (one customer's group of a brand's changes).
 */
export function countingPubSub(pubsub: PubSubPort, accept: (message: unknown) => boolean = () => true): { pubsub: PubSubPort; changes: () => number } {
  let changes = 0;
  return {
    changes: () => changes,
    pubsub: {
      backend: pubsub.backend,
      publish: (channel, message) => pubsub.publish(channel, message),
      subscribe: (channel, onMessage) =>
        pubsub.subscribe(channel, (message) => {
          if (!accept(message)) return;
          changes++;
          onMessage(message);
        }),
      close: () => pubsub.close(),
    },
  };
}
