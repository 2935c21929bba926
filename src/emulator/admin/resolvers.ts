import { GraphQLError } from "graphql";
import { BulkQueryError, planBulkQuery } from "../bulk/plan";
import { bulkGid, concurrencyLimit } from "../bulk/runner";
import type { BulkOperationState } from "../bulk/types";
import { isoSeconds } from "../store/money";
import { type AdminContext, requireScope } from "./context";
import { type ConnectionArgs, listSource, paginate } from "./connection";
import { parseGid } from "./ids";
import { customerObject, orderObject, productObject, variantObject } from "./objects";
import { customerView, orderView, productView } from "./sources";
import { tagMutation } from "./tags";
import { webhookMutations, webhookQueries } from "./webhook-resolvers";

const COUNT_LIMIT = 10_000;

function count(n: number, limit: number | null | undefined) {
  const cap = limit === undefined ? COUNT_LIMIT : limit;
  return cap !== null && n > cap ? { count: cap, precision: "AT_LEAST" } : { count: n, precision: "EXACT" };
}

export function bulkObject(ctx: AdminContext, op: BulkOperationState) {
  const v = ctx.bulk.view(op);
  const base = ctx.state.publicUrl();
  const expired = v.status === "EXPIRED";
  return {
    __typename: "BulkOperation",
    id: bulkGid(v.id),
    status: v.status,
    errorCode: v.errorCode,
    type: v.type,
    query: v.query,
    createdAt: isoSeconds(v.createdAt),
    completedAt: v.completedAt === null ? null : isoSeconds(v.completedAt),
    // UnsignedInt64: Shopify sends these as strings.
    objectCount: String(v.objectCount),
    rootObjectCount: String(v.rootObjectCount),
    fileSize: v.fileSize === null ? null : String(v.fileSize),
    url: v.file && !expired ? `${base}/_emulator/bulk/${ctx.shop.domain}/${v.id}.jsonl` : null,
    partialDataUrl: v.partialFile && !expired ? `${base}/_emulator/bulk/${ctx.shop.domain}/${v.id}.jsonl?partial=1` : null,
  };
}

/** `node(id:)` for the types the emulator has. */
function nodeById(ctx: AdminContext, id: string): unknown {
  const parsed = parseGid(id);
  if (!parsed) throw new GraphQLError(`Invalid global id '${id}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
  const { store } = ctx.shop;
  switch (parsed.type) {
    case "Order": {
      requireScope(ctx, "read_orders", "node");
      const o = store.orderById(parsed.id);
      return o ? orderObject(store, o) : null;
    }
    case "Customer": {
      requireScope(ctx, "read_customers", "node");
      const c = store.customerById(parsed.id);
      return c ? customerObject(store, c) : null;
    }
    case "Product": {
      requireScope(ctx, "read_products", "node");
      const p = store.productById(parsed.id);
      return p ? productObject(store, p) : null;
    }
    case "ProductVariant": {
      requireScope(ctx, "read_products", "node");
      const v = store.variantById(parsed.id);
      return v ? variantObject(store, v.product, v.variant) : null;
    }
    case "BulkOperation": {
      const op = ctx.shop.bulkOperations.find((b) => b.id === parsed.id && b.clientId === ctx.token.clientId);
      return op ? bulkObject(ctx, op) : null;
    }
    default:
      return webhookQueries.webhookNode(ctx, parsed);
  }
}

export function queryRoot(ctx: AdminContext) {
  const { store } = ctx.shop;
  const shopCurrency = store.spec.currencies[0]!;
  return {
    shop: () => ({
      __typename: "Shop",
      id: `gid://shopify/Shop/${Math.abs(hashDomain(ctx.shop.domain))}`,
      name: ctx.shop.name,
      email: `owner@${ctx.shop.domain}`,
      contactEmail: `owner@${ctx.shop.domain}`,
      myshopifyDomain: ctx.shop.domain,
      currencyCode: shopCurrency,
      enabledPresentmentCurrencies: [...store.spec.currencies],
      ianaTimezone: ctx.shop.ianaTimezone,
      createdAt: isoSeconds(store.spec.startAt),
      updatedAt: isoSeconds(store.spec.startAt),
      plan: { displayName: "Basic", partnerDevelopment: true, shopifyPlus: false },
      primaryDomain: { host: ctx.shop.domain, url: `https://${ctx.shop.domain}` },
    }),
    orders: (args: ConnectionArgs) => {
      requireScope(ctx, "read_orders", "orders");
      return paginate(orderView(store, args).source, args, (o) => orderObject(store, o));
    },
    customers: (args: ConnectionArgs) => {
      requireScope(ctx, "read_customers", "customers");
      return paginate(customerView(store, args).source, args, (c) => customerObject(store, c));
    },
    products: (args: ConnectionArgs) => {
      requireScope(ctx, "read_products", "products");
      return paginate(productView(store, args).source, args, (p) => productObject(store, p));
    },
    ordersCount: (args: ConnectionArgs & { limit?: number | null }) => {
      requireScope(ctx, "read_orders", "ordersCount");
      return count(orderView(store, args).count(), args.limit);
    },
    customersCount: (args: ConnectionArgs & { limit?: number | null }) => {
      requireScope(ctx, "read_customers", "customersCount");
      return count(customerView(store, args).count(), args.limit);
    },
    productsCount: (args: ConnectionArgs & { limit?: number | null }) => {
      requireScope(ctx, "read_products", "productsCount");
      return count(productView(store, args).count(), args.limit);
    },
    order: ({ id }: { id: string }) => nodeById(ctx, id),
    customer: ({ id }: { id: string }) => nodeById(ctx, id),
    product: ({ id }: { id: string }) => nodeById(ctx, id),
    productVariant: ({ id }: { id: string }) => nodeById(ctx, id),
    node: ({ id }: { id: string }) => nodeById(ctx, id),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => nodeById(ctx, id)),
    bulkOperation: ({ id }: { id: string }) => nodeById(ctx, id),
    currentBulkOperation: () => {
      const mine = ctx.shop.bulkOperations.filter((b) => b.clientId === ctx.token.clientId);
      return mine.length ? bulkObject(ctx, mine.at(-1)!) : null;
    },
    bulkOperations: (args: ConnectionArgs) => {
      const mine = ctx.shop.bulkOperations.filter((b) => b.clientId === ctx.token.clientId);
      return paginate(listSource(mine.map((b) => ({ key: [b.id], node: b }))), { ...args, reverse: !args.reverse }, (b) => bulkObject(ctx, b));
    },
    ...webhookQueries.root(ctx),
  };
}

export function mutationRoot(ctx: AdminContext) {
  return {
    bulkOperationRunQuery: ({ query, groupObjects }: { query: string; groupObjects: boolean }) => {
      const userError = (message: string, code: string) => ({ bulkOperation: null, userErrors: [{ field: ["query"], message, code }] });
      let plan;
      try {
        plan = planBulkQuery(ctx.schema, query);
      } catch (err) {
        if (err instanceof BulkQueryError) return userError(err.message, "INVALID");
        throw err;
      }
      requireScope(ctx, `read_${plan.root}`, plan.root);
      const running = ctx.bulk.running(ctx.shop, ctx.token.clientId);
      const limit = concurrencyLimit(ctx.version);
      if (running.length >= limit) {
        return limit === 1
          ? userError(`A bulk query operation for this app and shop is already in progress: ${bulkGid(running[0]!.id)}.`, "OPERATION_IN_PROGRESS")
          : userError(`Bulk operations limit reached: at most ${limit} bulk query operations can run at the same time for this app and shop.`, "LIMIT_REACHED");
      }
      const op = ctx.bulk.start(ctx.shop, ctx.token.clientId, plan, query, groupObjects);
      return { bulkOperation: bulkObject(ctx, op), userErrors: [] };
    },
    bulkOperationCancel: ({ id }: { id: string }) => {
      const parsed = parseGid(id);
      const op = ctx.shop.bulkOperations.find((b) => b.id === parsed?.id && b.clientId === ctx.token.clientId);
      if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
      if (op.status !== "CREATED" && op.status !== "RUNNING") {
        return { bulkOperation: bulkObject(ctx, op), userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` }] };
      }
      ctx.bulk.cancel(ctx.shop, op);
      return { bulkOperation: bulkObject(ctx, op), userErrors: [] };
    },
    tagsAdd: (args: { id: string; tags: string[] }) => tagMutation(ctx, args, "add"),
    tagsRemove: (args: { id: string; tags: string[] }) => tagMutation(ctx, args, "remove"),
    ...webhookMutations(ctx),
  };
}

function hashDomain(domain: string): number {
  let h = 0;
  for (let i = 0; i < domain.length; i++) h = (Math.imul(h, 31) + domain.charCodeAt(i)) | 0;
  return h;
}
