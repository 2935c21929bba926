import type { z } from "zod";
import { appRouter } from "~/server/api/root";
import type { Meta } from "~/server/api/trpc";
import type { callerFor } from "./context";

/** Every procedure of the app's router with its metadata and input fields, read from the router itself. */
type AnyProcedure = { _def: { meta?: Meta; type: "query" | "mutation" | "subscription"; inputs: unknown[] } };

export interface ProcedureInfo {
  path: string;
  type: "query" | "mutation" | "subscription";
  meta: Meta | undefined;
  /** Field names of the procedure's input (every `.input()` merged). */
  fields: string[];
}

export const PROCEDURES: ProcedureInfo[] = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).map(([path, p]) => ({
  path,
  type: p._def.type,
  meta: p._def.meta,
  fields: p._def.inputs.flatMap((input) => Object.keys((input as z.ZodObject).shape ?? {})),
}));

export const BRAND_PROCEDURES = PROCEDURES.filter((p) => p.meta?.scope === "brand");

/** Calls a procedure by path; a subscription is read once, since its checks run when it is first read. */
export async function invoke(caller: ReturnType<typeof callerFor>, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (i: unknown) => Promise<unknown>;
  const result = await fn(input);
  if (result && typeof result === "object" && Symbol.asyncIterator in result) {
    const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    try {
      await iterator.next();
    } finally {
      await iterator.return?.();
    }
  }
  return result;
}

/** The error code a call ends with, or null when it succeeds. */
export async function outcome(caller: ReturnType<typeof callerFor>, path: string, input: unknown): Promise<string | null> {
  return invoke(caller, path, input).then(
    () => null,
    (err: unknown) => (err as { code?: string }).code ?? String(err),
  );
}
