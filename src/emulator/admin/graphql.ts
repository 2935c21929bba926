import { setTimeout as sleep } from "node:timers/promises";
import { type DocumentNode, execute, type GraphQLError, type GraphQLFormattedError, parse, validate } from "graphql";
import type { BulkRunner } from "../bulk/runner";
import type { ShopEffects } from "../effects";
import { HttpError, readBody, type Router, sendJson } from "../http/router";
import { resolveShop } from "../http/shop";
import type { EmulatorState } from "../state";
import type { WebhookService } from "../webhooks/service";
import type { AdminContext } from "./context";
import { operationCost, operationOf } from "./cost";
import { mutationRoot, queryRoot } from "./resolvers";
import { isSupportedVersion, loadAdminSchema } from "./schema";
import { CostBucket } from "./throttle";

const DOCS = "https://shopify.dev/api/usage/rate-limits";

/** graphql-js validation messages, reworded the way Shopify's API says them. */
function shopifyError(err: GraphQLError): GraphQLFormattedError {
  const base = { locations: err.locations, path: err.path };
  let m = /^Cannot query field "(.+?)" on type "(.+?)"/.exec(err.message);
  if (m) return { ...base, message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] } };
  m = /^Unknown argument "(.+?)" on field "(.+?)\.(.+?)"/.exec(err.message);
  if (m) return { ...base, message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`, extensions: { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] } };
  m = /^Field "(.+?)" argument "(.+?)" of type "(.+?)" is required/.exec(err.message);
  if (m) return { ...base, message: `Field '${m[1]}' is missing required arguments: ${m[2]}`, extensions: { code: "missingRequiredArguments", className: "Field", name: m[1], arguments: m[2] } };
  return { ...base, message: err.message, extensions: { code: (err.extensions?.code as string | undefined) ?? "invalidQuery", ...err.extensions } };
}

export function registerAdminApi(router: Router, deps: { state: EmulatorState; bulk: BulkRunner; webhooks: WebhookService; effects: ShopEffects }): void {
  const { state } = deps;

  router.on("POST", "/admin/api/:version/graphql.json", async ({ req, res, url, params }) => {
    const shop = resolveShop(state, req, url);
    const faults = shop.faults;
    if (faults.latencyMs) await sleep(faults.latencyMs);
    if (Math.random() < faults.serverErrorRate) return sendJson(res, 503, { errors: "Service Unavailable" });

    const version = params.version!;
    if (!isSupportedVersion(version)) return sendJson(res, 404, { errors: "Not Found" });
    const token = state.validToken(String(req.headers["x-shopify-access-token"] ?? ""), shop.domain);
    if (!token) return sendJson(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });

    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      throw new HttpError(400, "Body is not valid JSON", { errors: { query: "Required parameter missing or invalid" } });
    }
    if (typeof body.query !== "string" || !body.query.trim()) return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    const schema = await loadAdminSchema(version);

    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (err) {
      const e = err as GraphQLError;
      return sendJson(res, 200, { errors: [{ message: `Parse error: ${e.message}`, locations: e.locations, extensions: { code: "parseError" } }] });
    }
    const invalid = validate(schema, document);
    if (invalid.length) return sendJson(res, 200, { errors: invalid.map(shopifyError) });
    const operation = operationOf(document, body.operationName as string | undefined);
    if (!operation) return sendJson(res, 200, { errors: [{ message: "No operation named in the document", extensions: { code: "invalidQuery" } }] });
    if (operation.operation === "subscription") return sendJson(res, 200, { errors: [{ message: "Subscriptions are not supported", extensions: { code: "invalidQuery" } }] });

    const requested = operationCost(schema, document, operation, variables);
    if (requested > state.limits.singleQueryMax) {
      return sendJson(res, 200, {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${state.limits.singleQueryMax}).\n\nSee ${DOCS} for more information on how the cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: state.limits.singleQueryMax, documentation: DOCS },
          },
        ],
      });
    }

    const bucketState = shop.buckets.get(token.clientId) ?? { available: state.limits.bucketSize, updatedAt: state.clock() };
    shop.buckets.set(token.clientId, bucketState);
    const bucket = new CostBucket(bucketState, state.limits, state.clock);
    const forced = faults.alwaysThrottle || Math.random() < faults.throttlePercent;
    shop.apiStats.calls++;
    if (forced || !bucket.tryTake(requested)) {
      if (!forced) shop.apiStats.throttled++;
      const throttleStatus = bucket.status();
      if (faults.throttleWith429) {
        const retryAfter = Math.max(1, Math.ceil(bucket.secondsUntil(requested)));
        return sendJson(res, 429, { errors: "Exceeded your rate limit. Reduce request rates to resume uninterrupted service." }, { "retry-after": String(retryAfter) });
      }
      return sendJson(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: DOCS } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus } },
      });
    }

    const ctx: AdminContext = { state, shop, token, version, schema, bulk: deps.bulk, webhooks: deps.webhooks, effects: deps.effects };
    const result = await execute({
      schema,
      document,
      rootValue: operation.operation === "mutation" ? mutationRoot(ctx) : queryRoot(ctx),
      contextValue: ctx,
      variableValues: variables,
      operationName: body.operationName as string | undefined,
    });
    const actual = result.data ? operationCost(schema, document, operation, variables, result.data) : requested;
    bucket.refund(requested - actual);
    sendJson(res, 200, {
      ...(result.errors?.length ? { errors: result.errors.map((e) => ({ message: e.message, locations: e.locations, path: e.path, extensions: e.extensions })) } : {}),
      data: result.data ?? null,
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() } },
    });
  });
}
