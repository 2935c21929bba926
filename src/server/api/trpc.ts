import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { fieldErrors } from "~/lib/validation";
import { getSessionUser, type SessionUser } from "../auth";
import type { BrandRole } from "../db/schema";
import { type AppDeps, createDeps } from "../deps";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { getLogger } from "../logger";
import { requireBrandRole } from "../services/brands/access";

/** The composition root's deps (procedures pass them, or a slice, to services) and the caller. */
export interface TRPCContext extends AppDeps {
  user: SessionUser | null;
}

export async function createTRPCContext(opts: { headers: Headers }): Promise<TRPCContext> {
  const user = await getSessionUser(opts.headers);
  // A caller's request id is kept only when it looks like one (it reaches every log line of the request).
  const given = opts.headers.get("x-request-id");
  const requestId = given && /^[\w.-]{8,64}$/.test(given) ? given : crypto.randomUUID();
  return { ...createDeps({ log: getLogger().child({ requestId, userId: user?.id }) }), user };
}

/**
 * Who may call a procedure; the tenancy tests read this from every procedure of the router.
 * `brand` procedures also declare the least role they need (`minRole`), and `instanceAdmin` when
 * they are for instance administrators too (who must also be members of the brand).
 */
export type ProcedureScope = "public" | "authed" | "instance-admin" | "brand";
export interface Meta {
  scope: ProcedureScope;
  minRole?: BrandRole;
  instanceAdmin?: boolean;
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const fields = cause instanceof AppError ? cause.fields : cause instanceof ZodError ? fieldErrors(cause) : undefined;
      const hide = error.code === "INTERNAL_SERVER_ERROR" && getEnv().NODE_ENV === "production";
      // A bad input reads as "field: problem" rather than zod's JSON dump of issues.
      const inputMessage = cause instanceof ZodError ? Object.entries(fields ?? {}).map(([k, v]) => `${k}: ${v}`).join("; ") : undefined;
      return {
        ...shape,
        message: hide ? "Something went wrong on our side; it has been logged." : (inputMessage ?? shape.message),
        data: { ...shape.data, fields, stack: getEnv().NODE_ENV === "production" ? undefined : shape.data.stack },
      };
    },
  });

/** Maps AppErrors thrown by services to tRPC errors with the matching code (and HTTP status). */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.meta({ scope: "public" }).use(mapAppErrors);

export const authedProcedure = t.procedure
  .meta({ scope: "authed" })
  .use(mapAppErrors)
  .use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
    return next({ ctx: { user: ctx.user } });
  });

export const instanceAdminProcedure = authedProcedure.meta({ scope: "instance-admin" }).use(({ ctx, next }) => {
  if (!ctx.user.isInstanceAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "Only instance administrators can do this" });
  return next();
});

/** Every brand-scoped procedure takes `brand` (slug or id) and checks membership before anything else. */
export const brandInput = z.object({ brand: z.string().min(1, "brand is required").max(100) });

/**
 * Brand-scoped procedures: membership and role are checked by `requireBrandRole` (the one tenancy
 * check the HTTP routes and services use too) before anything else; `ctx.brandId` is then non-null.
 * Child ids in the input are the service's to check (`requireBrandChild`).
 */
export function brandProcedure(minRole: BrandRole = "analyst", opts: { instanceAdmin?: boolean } = {}) {
  return authedProcedure
    .meta({ scope: "brand", minRole, instanceAdmin: opts.instanceAdmin })
    .input(brandInput)
    .use(async ({ ctx, input, next }) => {
      const membership = await requireBrandRole({ db: ctx.db }, { userId: ctx.user.id, brand: input.brand, minRole });
      if (opts.instanceAdmin && !ctx.user.isInstanceAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "Only instance administrators can do this" });
      return next({
        ctx: { brand: membership, brandId: membership.id, brandRole: membership.role, log: ctx.log.child({ brandId: membership.id }) },
      });
    });
}
