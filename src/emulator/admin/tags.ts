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
  switch (parsed.type) {
    case "Order": {
      requireScope(ctx, "write_orders", `tags${mode === "add" ? "Add" : "Remove"}`);
      const o = shop.store.orderById(parsed.id);
      if (!o) return fail("Order does not exist");
      effects.updateOrder(shop, o.id, { tags: apply(o.tags) });
      return { node: { __typename: "Order", id: args.id }, userErrors: [] };
    }
    case "Customer": {
      requireScope(ctx, "write_customers", `tags${mode === "add" ? "Add" : "Remove"}`);
      const c = shop.store.customerById(parsed.id);
      if (!c) return fail("Customer does not exist");
      effects.updateCustomer(shop, c.id, { tags: apply(c.tags) });
      return { node: { __typename: "Customer", id: args.id }, userErrors: [] };
    }
    case "Product": {
      requireScope(ctx, "write_products", `tags${mode === "add" ? "Add" : "Remove"}`);
      const p = shop.store.productById(parsed.id);
      if (!p) return fail("Product does not exist");
      effects.updateProduct(shop, p.id, { tags: apply(p.tags) });
      return { node: { __typename: "Product", id: args.id }, userErrors: [] };
    }
    default:
      return fail(`Tags are not supported on ${parsed.type}`);
  }
}
