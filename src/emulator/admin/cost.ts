import {
  type DocumentNode,
  type FieldNode,
  getNamedType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
  type GraphQLOutputType,
} from "graphql";

/**
 * Shopify's calculated query cost: scalars and enums 0, objects 1, connections 2 plus the page
 * size times the cost of one node, mutations 10. The requested cost uses the page sizes asked for;
 * the actual cost uses what came back.
 */

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

const isConnection = (type: GraphQLOutputType) => getNamedType(type).name.endsWith("Connection");

function argValue(walk: Walk, node: FieldNode, name: string): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, walk.variables) : undefined;
}

/** Fields selected on `type`, through fragments (all type conditions: the maximum possible). */
function fieldsOf(walk: Walk, set: SelectionSetNode | undefined, out: FieldNode[] = []): FieldNode[] {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) fieldsOf(walk, sel.selectionSet, out);
    else {
      const fragment = walk.fragments.get(sel.name.value);
      if (fragment) fieldsOf(walk, fragment.selectionSet, out);
    }
  }
  return out;
}

function fieldDef(walk: Walk, parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  // Unions: the first member with the field.
  for (const member of walk.schema.getPossibleTypes(parent)) {
    const field = member.getFields()[name];
    if (field) return field;
  }
  return undefined;
}

/** Cost of selecting `set` on one object of `parent`; `data` is that object's result when computing actual cost. */
function selectionCost(walk: Walk, parent: GraphQLCompositeType, set: SelectionSetNode | undefined, data: unknown, actual: boolean): number {
  let total = 0;
  for (const node of fieldsOf(walk, set)) {
    const def = fieldDef(walk, parent, node.name.value);
    if (!def) continue;
    const named = getNamedType(def.type);
    if (!isCompositeType(named)) continue;
    const key = node.alias?.value ?? node.name.value;
    const value = actual ? (data as Record<string, unknown> | null)?.[key] : undefined;
    if (actual && (value === null || value === undefined)) continue;
    if (isConnection(def.type)) {
      const size = actual ? connectionSize(value) : Number(argValue(walk, node, "first") ?? argValue(walk, node, "last") ?? 0);
      total += 2 + size * connectionNodeCost(walk, named, node, value, actual);
    } else if (isListType(isNonNullType(def.type) ? def.type.ofType : def.type)) {
      const items = actual ? (value as unknown[]) : [undefined];
      const n = actual ? items.length : Math.max(1, Number(argValue(walk, node, "first") ?? 1));
      const each = 1 + selectionCost(walk, named, node.selectionSet, items[0], actual);
      total += n * each;
    } else {
      total += 1 + selectionCost(walk, named, node.selectionSet, value, actual);
    }
  }
  return total;
}

function connectionSize(value: unknown): number {
  const v = value as { edges?: unknown[]; nodes?: unknown[] } | null;
  return Math.max(v?.edges?.length ?? 0, v?.nodes?.length ?? 0);
}

/** One node's cost inside a connection (selected through edges.node or nodes). */
function connectionNodeCost(walk: Walk, connectionType: GraphQLCompositeType, node: FieldNode, value: unknown, actual: boolean): number {
  let max = 0;
  for (const sub of fieldsOf(walk, node.selectionSet)) {
    const def = fieldDef(walk, connectionType, sub.name.value);
    if (!def) continue;
    const key = sub.alias?.value ?? sub.name.value;
    if (sub.name.value === "nodes") {
      const nodeType = getNamedType(def.type) as GraphQLCompositeType;
      const first = actual ? ((value as Record<string, unknown[]>)?.[key]?.[0]) : undefined;
      max = Math.max(max, 1 + selectionCost(walk, nodeType, sub.selectionSet, first, actual));
    } else if (sub.name.value === "edges") {
      const edgeType = getNamedType(def.type) as GraphQLCompositeType;
      const firstEdge = actual ? ((value as Record<string, unknown[]>)?.[key]?.[0]) : undefined;
      for (const edgeField of fieldsOf(walk, sub.selectionSet)) {
        if (edgeField.name.value !== "node") continue;
        const nodeDef = fieldDef(walk, edgeType, "node")!;
        const nodeData = actual ? (firstEdge as Record<string, unknown> | undefined)?.[edgeField.alias?.value ?? "node"] : undefined;
        max = Math.max(max, 1 + selectionCost(walk, getNamedType(nodeDef.type) as GraphQLCompositeType, edgeField.selectionSet, nodeData, actual));
      }
    }
  }
  return max;
}

export interface QueryCost {
  requested: number;
  isMutation: boolean;
}

export function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
}

function walkOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): Walk {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return { schema, fragments, variables };
}

/** Cost of an operation: requested (from page sizes) or actual (from the result data). */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, op: OperationDefinitionNode, variables: Record<string, unknown>, data?: unknown): number {
  const walk = walkOf(schema, document, variables);
  const isMutation = op.operation === "mutation";
  const root = (isMutation ? schema.getMutationType() : schema.getQueryType())!;
  if (!isMutation) return selectionCost(walk, root, op.selectionSet, data, data !== undefined);
  // Mutations: 10 per root field, plus what they return.
  let total = 0;
  for (const field of fieldsOf(walk, op.selectionSet)) {
    const def = root.getFields()[field.name.value];
    const value = data === undefined ? undefined : (data as Record<string, unknown> | null)?.[field.alias?.value ?? field.name.value];
    const named = def ? getNamedType(def.type) : undefined;
    total += 10 + (named && isCompositeType(named) ? selectionCost(walk, named, field.selectionSet, value, data !== undefined) : 0);
  }
  return total;
}
