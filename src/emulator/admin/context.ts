import type { GraphQLSchema } from "graphql";
import { GraphQLError } from "graphql";
import type { BulkRunner } from "../bulk/runner";
import type { ShopEffects } from "../effects";
import type { AccessToken, EmulatorState, ShopState } from "../state";
import type { WebhookService } from "../webhooks/service";

export interface AdminContext {
  state: EmulatorState;
  shop: ShopState;
  token: AccessToken;
  version: string;
  schema: GraphQLSchema;
  bulk: BulkRunner;
  webhooks: WebhookService;
  effects: ShopEffects;
}

/** Shopify's access check: `read_x` is satisfied by `read_x` or `write_x`. */
export function requireScope(ctx: AdminContext, scope: string, field: string): void {
  const write = scope.replace(/^read_/, "write_");
  if (ctx.token.scopes.includes(scope) || ctx.token.scopes.includes(write)) return;
  throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: `\`${scope}\` access scope.` },
  });
}
