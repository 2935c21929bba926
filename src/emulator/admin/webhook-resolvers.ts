import { isoSeconds } from "../store/money";
import type { WebhookSubscription } from "../webhooks/types";
import type { AdminContext } from "./context";
import { type ConnectionArgs, listSource, paginate } from "./connection";
import { parseGid } from "./ids";

interface SubscriptionInput {
  uri?: string | null;
  callbackUrl?: string | null;
  format?: string | null;
}

function subscriptionObject(ctx: AdminContext, s: WebhookSubscription) {
  const endpoint = { __typename: "WebhookHttpEndpoint", callbackUrl: s.uri };
  return {
    __typename: "WebhookSubscription",
    id: `gid://shopify/WebhookSubscription/${s.id}`,
    legacyResourceId: String(s.id),
    topic: s.topic,
    uri: s.uri,
    callbackUrl: s.uri,
    endpoint,
    format: s.format,
    includeFields: s.includeFields,
    metafieldNamespaces: [],
    metafields: [],
    filter: null,
    name: null,
    apiVersion: { handle: ctx.version, displayName: ctx.version, supported: true },
    createdAt: isoSeconds(s.createdAt),
    updatedAt: isoSeconds(s.updatedAt),
  };
}

/** uri (current) or callbackUrl (deprecated, what @shopify/shopify-api sends); https or our local http. */
function destination(input: SubscriptionInput): { uri: string } | { error: string } {
  const uri = input.uri ?? input.callbackUrl ?? "";
  if (!uri) return { error: "Address can't be blank" };
  try {
    const url = new URL(uri);
    if (url.protocol !== "https:" && url.protocol !== "http:") return { error: "Address protocol must be https" };
  } catch {
    return { error: "Address is invalid" };
  }
  return { uri };
}

export const webhookQueries = {
  root(ctx: AdminContext) {
    return {
      webhookSubscriptions: (args: ConnectionArgs & { topics?: string[] | null; uri?: string | null; callbackUrl?: string | null }) => {
        const wanted = args.uri ?? args.callbackUrl ?? null;
        const subs = ctx.webhooks
          .list(ctx.shop, ctx.token.clientId)
          .filter((s) => (!args.topics?.length || args.topics.includes(s.topic)) && (!wanted || s.uri === wanted));
        return paginate(listSource(subs.map((s) => ({ key: [s.id], node: s }))), args, (s) => subscriptionObject(ctx, s));
      },
      webhookSubscription: ({ id }: { id: string }) => webhookQueries.webhookNode(ctx, parseGid(id)),
    };
  },
  webhookNode(ctx: AdminContext, parsed: { type: string; id: number } | null) {
    if (parsed?.type !== "WebhookSubscription") return null;
    const sub = ctx.webhooks.list(ctx.shop, ctx.token.clientId).find((s) => s.id === parsed.id);
    return sub ? subscriptionObject(ctx, sub) : null;
  },
};

export function webhookMutations(ctx: AdminContext) {
  const { shop, token, webhooks } = ctx;
  return {
    webhookSubscriptionCreate: ({ topic, webhookSubscription }: { topic: string; webhookSubscription: SubscriptionInput }) => {
      const dest = destination(webhookSubscription);
      if ("error" in dest) return { webhookSubscription: null, userErrors: [{ field: ["webhookSubscription", "callbackUrl"], message: dest.error }] };
      if (webhooks.list(shop, token.clientId).some((s) => s.topic === topic && s.uri === dest.uri)) {
        return { webhookSubscription: null, userErrors: [{ field: ["webhookSubscription", "callbackUrl"], message: "Address for this topic has already been taken" }] };
      }
      return { webhookSubscription: subscriptionObject(ctx, webhooks.create(shop, token.clientId, topic, dest.uri)), userErrors: [] };
    },
    webhookSubscriptionUpdate: ({ id, webhookSubscription }: { id: string; webhookSubscription: SubscriptionInput }) => {
      const dest = destination(webhookSubscription);
      if ("error" in dest) return { webhookSubscription: null, userErrors: [{ field: ["webhookSubscription", "callbackUrl"], message: dest.error }] };
      const updated = webhooks.update(shop, token.clientId, parseGid(id)?.id ?? -1, dest.uri);
      if (!updated) return { webhookSubscription: null, userErrors: [{ field: ["id"], message: "Webhook subscription does not exist" }] };
      return { webhookSubscription: subscriptionObject(ctx, updated), userErrors: [] };
    },
    webhookSubscriptionDelete: ({ id }: { id: string }) => {
      const removed = webhooks.remove(shop, token.clientId, parseGid(id)?.id ?? -1);
      return removed
        ? { deletedWebhookSubscriptionId: id, userErrors: [] }
        : { deletedWebhookSubscriptionId: null, userErrors: [{ field: ["id"], message: "Webhook subscription does not exist" }] };
    },
  };
}
