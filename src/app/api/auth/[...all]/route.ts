import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "~/server/auth";
import { getEnv } from "~/server/env";
import { withHttp } from "~/server/http";
import { isHttpsRequest, secureCookies } from "~/server/trusted-proxy";

export const dynamic = "force-dynamic";

/**
 * better-auth marks cookies Secure only when APP_URL is https; behind a TLS-terminating proxy that
 * we trust (TRUST_PROXY, X-Forwarded-Proto: https) they must be Secure too.
 */
const withSecureCookies = (req: Request, res: Response) => (isHttpsRequest(req, getEnv().APP_URL) ? secureCookies(res) : res);

// Built on first request, not at import, so `next build` needs no secrets.
export const GET = withHttp("/api/auth", async (req: Request) => withSecureCookies(req, await toNextJsHandler(getAuth()).GET(req)));
export const POST = withHttp("/api/auth", async (req: Request) => withSecureCookies(req, await toNextJsHandler(getAuth()).POST(req)));
