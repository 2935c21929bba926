import type { NodePlan } from "./plan";

type Obj = Record<string, unknown>;

/** Reads a field: a getter's value, or a method called with the field's arguments (keeping `this`). */
function read(value: Obj, name: string, args: Record<string, unknown>): unknown {
  const v = value[name];
  return typeof v === "function" ? (value[name] as (a: unknown) => unknown)(args) : v;
}

/** Projects a GraphQL-shaped object through a compiled plan into a plain object. */
export function project(value: Obj, plan: NodePlan): Obj {
  const out: Obj = {};
  for (const f of plan.fields) {
    let v = read(value, f.name, f.args);
    if (v === undefined) v = null;
    if (v !== null && f.sub) v = Array.isArray(v) ? v.map((x: Obj) => project(x, f.sub!)) : project(v as Obj, f.sub);
    out[f.key] = v;
  }
  return out;
}

// eslint-disable-next-line no-control-regex -- matching the characters JSON.stringify escapes is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/**
 * Compiles a plan into a function writing the node's JSON text directly — the same text as
 * JSON.stringify(project(value, plan)) without building the intermediate object. Bulk exports spend
 * most of their time here, so the function is generated as straight-line code (property names come
 * from the parsed GraphQL document, so they are identifiers, and are embedded as JSON literals).
 */
export function compileSerializer(plan: NodePlan): (value: Obj, extra?: string) => string {
  const args = plan.fields.map((f) => f.args);
  const subs = plan.fields.map((f) => (f.sub ? compileSerializer(f.sub) : null));
  let body = 'let t = "{";\n';
  plan.fields.forEach((f, k) => {
    const prop = JSON.stringify(f.name);
    const key = JSON.stringify(`${k ? "," : ""}${JSON.stringify(f.key)}:`);
    body += `{ let x = v[${prop}]; if (typeof x === "function") x = v[${prop}](A[${k}]); t += ${key};\n`;
    if (f.sub) {
      body += `if (x == null) t += "null"; else if (Array.isArray(x)) { t += "["; for (let i = 0; i < x.length; i++) t += (i ? "," : "") + S[${k}](x[i]); t += "]"; } else t += S[${k}](x); }\n`;
    } else if (f.safe) {
      body += `t += typeof x === "string" ? '"' + x + '"' : sc(x); }\n`;
    } else {
      body += "t += sc(x); }\n";
    }
  });
  body += `if (extra) t += ${plan.fields.length ? '"," + extra' : "extra"};\nreturn t + "}";`;
  // eslint-disable-next-line no-new-func -- generated from a validated plan, see above
  return new Function("A", "S", "sc", `return function serialize(v, extra) {\n${body}\n};`)(args, subs, scalar) as (value: Obj, extra?: string) => string;
}

interface Page {
  nodes: Obj[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every node of a nested connection (bulk exports are not paginated): directly when the object offers them, else page by page. */
export function allChildren(value: Obj, name: string, args: Record<string, unknown>): Obj[] {
  const direct = (value as { children?: (n: string) => Obj[] | undefined }).children?.(name);
  if (direct) return direct;
  if (typeof value[name] !== "function") return [];
  const nodes: Obj[] = [];
  let after: string | null = null;
  for (;;) {
    const page = (value[name] as (a: unknown) => Page)({ ...args, first: 250, after });
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}
