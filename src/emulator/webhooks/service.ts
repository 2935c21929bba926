import { createHmac, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorState, ShopState } from "../state";
import { type ComplianceTopic, enumFromTopic } from "./topics";
import type { DeliveryRecord, WebhookSubscription } from "./types";

let nextSubscriptionId = 1_000_000_000_000;

/**
 * Subscriptions and deliveries. A delivery carries Shopify's headers and HMAC, is retried on a
 * non-2xx answer or a timeout (on a compressed schedule), and is logged. The shop's fault switches
 * can drop, duplicate or reorder deliveries.
 */
export class WebhookService {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly state: EmulatorState,
    private readonly apiVersion: string,
    private readonly random: () => number = Math.random,
  ) {}

  list(shop: ShopState, clientId: string): WebhookSubscription[] {
    return shop.webhooks.get(clientId) ?? [];
  }

  create(shop: ShopState, clientId: string, topic: string, uri: string): WebhookSubscription {
    const now = this.state.clock();
    const sub: WebhookSubscription = { id: nextSubscriptionId++, topic, uri, format: "JSON", includeFields: [], createdAt: now, updatedAt: now };
    shop.webhooks.set(clientId, [...this.list(shop, clientId), sub]);
    return sub;
  }

  update(shop: ShopState, clientId: string, id: number, uri: string): WebhookSubscription | undefined {
    const sub = this.list(shop, clientId).find((s) => s.id === id);
    if (!sub) return undefined;
    sub.uri = uri;
    sub.updatedAt = this.state.clock();
    return sub;
  }

  remove(shop: ShopState, clientId: string, id: number): boolean {
    const before = this.list(shop, clientId);
    shop.webhooks.set(clientId, before.filter((s) => s.id !== id));
    return before.length !== shop.webhooks.get(clientId)!.length;
  }

  /** Sends `topic` to every installed app's subscriptions for it (or one app's). One event id across them all. */
  trigger(shop: ShopState, topic: string, payload: unknown, onlyClientId?: string): void {
    const eventId = randomUUID();
    const topicEnum = enumFromTopic(topic);
    for (const clientId of shop.installedApps) {
      if (onlyClientId && clientId !== onlyClientId) continue;
      for (const sub of this.list(shop, clientId)) {
        if (sub.topic === topicEnum) this.dispatch(shop, clientId, sub.id, sub.uri, topic, payload, eventId);
      }
    }
  }

  /** Compliance topics go to each installed app's configured compliance URL. */
  triggerCompliance(shop: ShopState, topic: ComplianceTopic, payload: unknown): number {
    let sent = 0;
    const eventId = randomUUID();
    for (const clientId of shop.installedApps) {
      const url = this.state.apps.get(clientId)?.complianceUrl;
      if (!url) continue;
      this.dispatch(shop, clientId, 0, url, topic, payload, eventId);
      sent++;
    }
    return sent;
  }

  /** Resolves when every delivery started so far has finished its retries. */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private dispatch(shop: ShopState, clientId: string, subscriptionId: number, uri: string, topic: string, payload: unknown, eventId: string): void {
    const faults = shop.faults;
    const record: DeliveryRecord = {
      webhookId: randomUUID(),
      eventId,
      subscriptionId,
      clientId,
      topic,
      uri,
      triggeredAt: new Date(shop.store.eventTime()).toISOString(),
      state: "pending",
      attempts: [],
    };
    shop.deliveries.push(record);
    if (this.random() < faults.webhookDropRate) {
      record.state = "dropped";
      return;
    }
    const body = JSON.stringify(payload);
    // Reordered deliveries wait a little, so later events overtake them.
    const delayMs = this.random() < faults.webhookReorderRate ? 50 + Math.floor(this.random() * 250) : 0;
    this.track(this.deliver(shop, record, body, delayMs));
    if (this.random() < faults.webhookDuplicateRate) {
      const duplicate: DeliveryRecord = { ...record, duplicateOf: record.webhookId, attempts: [], state: "pending" };
      shop.deliveries.push(duplicate);
      this.track(this.deliver(shop, duplicate, body, delayMs + 20));
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deliver(shop: ShopState, record: DeliveryRecord, body: string, delayMs: number): Promise<void> {
    if (delayMs) await sleep(delayMs);
    const app = this.state.apps.get(record.clientId);
    if (!app) return;
    const hmac = createHmac("sha256", app.clientSecret).update(body, "utf8").digest("base64");
    const delays = [0, ...this.state.limits.webhookRetryDelaysMs];
    for (const [attempt, wait] of delays.entries()) {
      if (wait) await sleep(wait);
      const started = performance.now();
      try {
        const res = await fetch(record.uri, {
          method: "POST",
          body,
          headers: {
            "content-type": "application/json",
            "user-agent": "Shopify-Captain-Hook",
            "x-shopify-topic": record.topic,
            "x-shopify-hmac-sha256": hmac,
            "x-shopify-shop-domain": shop.domain,
            "x-shopify-api-version": this.apiVersion,
            "x-shopify-webhook-id": record.webhookId,
            "x-shopify-event-id": record.eventId,
            "x-shopify-triggered-at": record.triggeredAt,
          },
          signal: AbortSignal.timeout(this.state.limits.webhookTimeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.attempts.push({ at: this.state.clock(), status: res.status, durationMs: Math.round(performance.now() - started) });
        if (res.ok) {
          record.state = "delivered";
          return;
        }
      } catch (err) {
        record.attempts.push({ at: this.state.clock(), status: null, error: (err as Error).message, durationMs: Math.round(performance.now() - started) });
      }
      if (attempt === delays.length - 1) record.state = "failed";
    }
  }
}
