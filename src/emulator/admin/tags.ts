import { type AdminContext, requireScope } from "./context";
import { parseGid } from "./ids";

/** tagsAdd / tagsRemove on orders, customers and products (firing the matching update webhook). */
export function tagMutation(ctx: AdminContext, args: { id: string; tags: string[] }, mode: "add" | "remove") {
  const parsed = parseGid(args.id);
  const fail = (message: string) => ({ node: null, userErrors: [{ field: ["id"], message }] });
  if (!parsed) return fail("Invalid id");
  const { shop, effects } = ctx;
  const tags = args.tags.flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
  const apply = (current: string[]) => (mode === "add" ? [...new Set([...current, ...tags])] : current.filter((t) => !tags.includes(t)));
  const mutationName = `tags${mode === "add" ? "Add" : "Remove"}`;
  const kinds = {
    Order: { scope: "write_orders", find: () => shop.store.orderById(parsed.id), save: (tags: string[]) => effects.updateOrder(shop, parsed.id, { tags }) },
    Customer: { scope: "write_customers", find: () => shop.store.customerById(parsed.id), save: (tags: string[]) => effects.updateCustomer(shop, parsed.id, { tags }) },
    Product: { scope: "write_products", find: () => shop.store.productById(parsed.id), save: (tags: string[]) => effects.updateProduct(shop, parsed.id, { tags }) },
  } as const;
  const kind = kinds[parsed.type as keyof typeof kinds];
  if (!kind) return fail(`Tags are not supported on ${parsed.type}`);
  requireScope(ctx, kind.scope, mutationName);
  const record = kind.find();
  if (!record) return fail(`${parsed.type} does not exist`);
  kind.save(apply(record.tags));
  return { node: { __typename: parsed.type, id: args.id }, userErrors: [] };
}
