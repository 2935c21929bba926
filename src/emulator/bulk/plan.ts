import {
  type DocumentNode,
  type FieldNode,
  getNamedType,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  type SelectionSetNode,
  validate,
  valueFromASTUntyped,
} from "graphql";

/** A compiled bulk query: which connection to export, and how to project each node. */
export interface NodePlan {
  fields: FieldPlan[];
  children: ChildPlan[];
}

export interface FieldPlan {
  key: string;
  name: string;
  args: Record<string, unknown>;
  /** A scalar whose text never needs JSON escaping (ids, enums, numbers, dates, decimals). */
  safe?: boolean;
  /** For object and list-of-object fields. */
  sub?: NodePlan;
}

export interface ChildPlan {
  name: string;
  args: Record<string, unknown>;
  plan: NodePlan;
}

export interface BulkPlan {
  root: "orders" | "customers" | "products";
  args: Record<string, unknown>;
  plan: NodePlan;
}

export class BulkQueryError extends Error {}

/** Scalars whose serialized text has no characters JSON must escape. */
const SAFE_SCALARS = new Set(["ID", "Int", "Float", "Boolean", "DateTime", "Date", "Decimal", "Money", "UnsignedInt64", "CurrencyCode"]);

const SUPPORTED_ROOTS = new Set(["orders", "customers", "products"]);
const MAX_CONNECTIONS = 5;
const MAX_DEPTH = 2;

const isConnectionType = (t: GraphQLOutputType) => getNamedType(t).name.endsWith("Connection");
const isList = (t: GraphQLOutputType) => isListType(isNonNullType(t) ? t.ofType : t);

function fieldsOf(set: SelectionSetNode | undefined): FieldNode[] {
  const out: FieldNode[] = [];
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(sel.selectionSet));
    else throw new BulkQueryError("Named fragments are not supported in bulk queries; use inline fragments.");
  }
  return out;
}

function argsOf(node: FieldNode): Record<string, unknown> {
  return Object.fromEntries((node.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}

function fieldType(parent: GraphQLCompositeType, name: string): GraphQLOutputType | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name]?.type : undefined;
}

/** The node selection of a connection field: edges { node { … } } or nodes { … }. */
function nodeSelection(connection: FieldNode, connectionType: GraphQLCompositeType): { set: SelectionSetNode; type: GraphQLCompositeType } {
  for (const f of fieldsOf(connection.selectionSet)) {
    if (f.name.value === "nodes") return { set: f.selectionSet!, type: getNamedType(fieldType(connectionType, "nodes")!) as GraphQLCompositeType };
    if (f.name.value === "edges") {
      const edgeType = getNamedType(fieldType(connectionType, "edges")!) as GraphQLCompositeType;
      const node = fieldsOf(f.selectionSet).find((n) => n.name.value === "node");
      if (node?.selectionSet) return { set: node.selectionSet, type: getNamedType(fieldType(edgeType, "node")!) as GraphQLCompositeType };
    }
  }
  throw new BulkQueryError(`The connection ${connection.name.value} must select edges { node { … } } or nodes { … }.`);
}

function compileNode(set: SelectionSetNode, type: GraphQLCompositeType, depth: number, counter: { n: number }, inList: boolean): NodePlan {
  const plan: NodePlan = { fields: [], children: [] };
  for (const f of fieldsOf(set)) {
    const name = f.name.value;
    if (name === "__typename") {
      plan.fields.push({ key: f.alias?.value ?? name, name, args: {} });
      continue;
    }
    const t = fieldType(type, name);
    if (!t) continue;
    if (isConnectionType(t)) {
      if (inList) throw new BulkQueryError("Queries that contain a connection field within a list field are not currently supported.");
      if (depth >= MAX_DEPTH) throw new BulkQueryError(`Bulk queries cannot contain connections with a nesting depth greater than ${MAX_DEPTH}.`);
      if (++counter.n > MAX_CONNECTIONS) throw new BulkQueryError(`Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`);
      const inner = nodeSelection(f, getNamedType(t) as GraphQLCompositeType);
      plan.children.push({ name, args: argsOf(f), plan: compileNode(inner.set, inner.type, depth + 1, counter, false) });
      continue;
    }
    const named = getNamedType(t);
    plan.fields.push({
      key: f.alias?.value ?? name,
      name,
      args: argsOf(f),
      safe: !isList(t) && (isEnumType(named) || SAFE_SCALARS.has(named.name)),
      sub: isCompositeType(named) && f.selectionSet ? compileNode(f.selectionSet, named, depth, counter, inList || isList(t)) : undefined,
    });
  }
  if (plan.children.length && !plan.fields.some((f) => f.name === "id")) {
    throw new BulkQueryError("The id field is required on objects that have nested connections, so their children can reference them.");
  }
  return plan;
}

/** Validates a bulk query like Shopify (schema, one root connection, ≤ 5 connections, depth ≤ 2) and compiles it. */
export function planBulkQuery(schema: GraphQLSchema, query: string): BulkPlan {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (err) {
    throw new BulkQueryError(`Invalid bulk query: ${(err as Error).message}`);
  }
  const problems = validate(schema, document);
  if (problems.length) throw new BulkQueryError(`Invalid bulk query: ${problems[0]!.message}`);
  const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || ops[0]!.operation !== "query") throw new BulkQueryError("Bulk queries must contain exactly one query operation.");
  const roots = fieldsOf(ops[0]!.selectionSet);
  if (roots.length !== 1) throw new BulkQueryError("Bulk queries must have exactly one top-level field.");
  const root = roots[0]!;
  const queryType = schema.getQueryType()!;
  const rootType = queryType.getFields()[root.name.value]!.type;
  if (!isConnectionType(rootType)) throw new BulkQueryError("Bulk queries must contain at least one connection.");
  if (!SUPPORTED_ROOTS.has(root.name.value)) throw new BulkQueryError(`The emulator exports orders, customers and products; ${root.name.value} is not supported.`);
  const counter = { n: 1 };
  const inner = nodeSelection(root, getNamedType(rootType) as GraphQLCompositeType);
  return { root: root.name.value as BulkPlan["root"], args: argsOf(root), plan: compileNode(inner.set, inner.type, 1, counter, false) };
}
