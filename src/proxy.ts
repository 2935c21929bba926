import { type NextRequest, NextResponse } from "next/server";
import { REQUEST_PATH_HEADER } from "~/lib/request-path";

/**
 * Passes the page's own path and query to server components (a layout is not told them), so a deep
 * link survives sign-in. Whatever a client sent in the header is overwritten; readers still pass it
 * through `safeRedirectPath`.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: not the API, Next's assets or files in public/.
  matcher: ["/((?!api/|_next/|favicon\\.svg).*)"],
};
