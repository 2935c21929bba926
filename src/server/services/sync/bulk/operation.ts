import { AppError } from "../../../errors";
import type { costAwareClient } from "../graphql";

/** Shopify's bulk operations, through the Admin GraphQL API. */

type Request = ReturnType<typeof costAwareClient>;

export interface BulkOperationView {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
}

const RUN = `mutation RunBulk($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`;

const POLL = `query PollBulk($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount rootObjectCount fileSize url } }
}`;

const COUNTS = `query Counts {
  ordersCount(limit: null) { count precision }
  customersCount(limit: null) { count precision }
  productsCount(limit: null) { count precision }
}`;

/** Shopify refused to start the operation; retryable when only `busy` (another one is still running). */
export class BulkStartError extends AppError {
  constructor(
    message: string,
    readonly busy: boolean,
  ) {
    super("CONFLICT", message, { retryable: busy });
    this.name = "BulkStartError";
  }
}

export async function startBulkOperation(request: Request, query: string): Promise<string> {
  const data = await request<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: { message: string; code: string | null }[] } }>(RUN, { query });
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (!bulkOperation) {
    const busy = userErrors.some((e) => e.code === "OPERATION_IN_PROGRESS" || e.code === "LIMIT_REACHED");
    throw new BulkStartError(`Shopify did not start the bulk export: ${userErrors.map((e) => e.message).join("; ") || "no reason given"}`, busy);
  }
  return bulkOperation.id;
}

export async function pollBulkOperation(request: Request, id: string): Promise<BulkOperationView | null> {
  const data = await request<{ node: BulkOperationView | null }>(POLL, { id });
  return data.node;
}

export interface ShopCounts {
  orders: number;
  customers: number;
  products: number;
}

/** The shop's own counts (exact: `limit: null`). */
export async function shopCounts(request: Request): Promise<ShopCounts> {
  type C = { count: number };
  const data = await request<{ ordersCount: C; customersCount: C; productsCount: C }>(COUNTS);
  return { orders: data.ordersCount.count, customers: data.customersCount.count, products: data.productsCount.count };
}
