import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "~/server/auth";
import { withHttp } from "~/server/http";

export const dynamic = "force-dynamic";

// Built on first request, not at import, so `next build` needs no secrets.
export const GET = withHttp("/api/auth", (req: Request) => toNextJsHandler(getAuth()).GET(req));
export const POST = withHttp("/api/auth", (req: Request) => toNextJsHandler(getAuth()).POST(req));
