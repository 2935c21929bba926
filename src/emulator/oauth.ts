import { createHmac } from "node:crypto";
import { escapeHtml, HttpError, type Ctx, readParams, redirect, type Router, sendHtml, sendJson } from "./http/router";
import { resolveShop } from "./http/shop";
import { type AppConfig, type EmulatorState, randomToken } from "./state";

const SCOPE_PATTERN = /^(unauthenticated_)?(read|write)_[a-z_]+$/;

/** "write_orders" → "View and edit orders", as Shopify's consent screen words it. */
function describeScope(scope: string): string {
  const match = /^(?:unauthenticated_)?(read|write)_(.+)$/.exec(scope);
  if (!match) return scope;
  const resource = match[2]!.replace(/_/g, " ");
  return match[1] === "write" ? `View and edit ${resource}` : `View ${resource}`;
}
const CODE_TTL_MS = 10 * 60 * 1000;

/** Shopify's query HMAC: hex HMAC-SHA256 over the other parameters, sorted, URL-encoded. */
export function signQuery(params: Record<string, string>, secret: string): string {
  const query = new URLSearchParams();
  for (const key of Object.keys(params).sort((a, b) => a.localeCompare(b))) {
    if (key === "hmac" || key === "signature") continue;
    query.append(key, params[key]!);
  }
  return createHmac("sha256", secret).update(query.toString().replace(/\+/g, "%20")).digest("hex");
}

interface AuthorizeRequest {
  app: AppConfig;
  scopes: string[];
  redirectUri: string;
  state: string;
  online: boolean;
}

function oauthErrorPage(message: string): string {
  return page("Installation error", `<h1>Oauth error</h1><p class="error">${escapeHtml(message)}</p>`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f1f2f4;color:#303030;display:flex;justify-content:center;padding:48px 16px}
main{background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002;max-width:460px;width:100%;padding:28px}
h1{font-size:20px;margin:0 0 8px}.muted{color:#616161;font-size:14px}ul{padding-left:20px}li{margin:4px 0}
button{background:#303030;color:#fff;border:0;border-radius:8px;padding:10px 18px;font-size:14px;cursor:pointer}
.error{color:#8e1f0b}.badge{display:inline-block;background:#e3f1df;color:#0c5132;border-radius:6px;padding:2px 8px;font-size:12px}</style>
</head><body><main>${body}</main></body></html>`;
}

function parseAuthorize(state: EmulatorState, params: URLSearchParams | Map<string, string>): AuthorizeRequest {
  const get = (k: string) => (params instanceof Map ? params.get(k) : params.get(k)) ?? "";
  const app = state.apps.get(get("client_id"));
  if (!app) throw new HttpError(400, "invalid_request: The client_id is not a known app");
  const redirectUri = get("redirect_uri");
  if (!app.redirectUrls.includes(redirectUri)) {
    throw new HttpError(400, `invalid_request: The redirect_uri is not whitelisted (${redirectUri || "missing"})`);
  }
  const scopes = get("scope").split(",").map((s) => s.trim()).filter(Boolean);
  const bad = scopes.find((s) => !SCOPE_PATTERN.test(s) || !app.scopes.includes(s));
  if (bad) throw new HttpError(400, `invalid_scope: The scope ${bad} is not valid for this app`);
  if (!get("state")) throw new HttpError(400, "invalid_request: The state parameter is missing");
  const grant = params instanceof Map ? get("grant_options[]") : params.getAll("grant_options[]").join(",");
  return { app, scopes, redirectUri, state: get("state"), online: grant.includes("per-user") };
}

export function registerOAuth(router: Router, state: EmulatorState): void {
  // The consent page: shop, app, scopes, Install.
  router.on("GET", "/admin/oauth/authorize", ({ req, res, url }) => {
    const shop = resolveShop(state, req, url);
    let request: AuthorizeRequest;
    try {
      request = parseAuthorize(state, url.searchParams);
    } catch (err) {
      return sendHtml(res, (err as HttpError).status ?? 400, oauthErrorPage((err as Error).message));
    }
    const fields: [string, string][] = [...url.searchParams.entries(), ["shop", shop.domain]];
    const hidden = fields
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join("");
    sendHtml(
      res,
      200,
      page(
        `Install ${request.app.name}`,
        `<p class="muted">${escapeHtml(shop.name)} · ${escapeHtml(shop.domain)}</p>
<h1>Install ${escapeHtml(request.app.name)}</h1>
<p class="muted">This app will be able to:</p>
<ul>${request.scopes.map((s) => `<li>${escapeHtml(describeScope(s))} <span class="muted">(${escapeHtml(s)})</span></li>`).join("")}</ul>
${request.online ? `<p><span class="badge">Online access for the signed-in staff member</span></p>` : ""}
<form method="post" action="/admin/oauth/authorize">${hidden}<button type="submit">Install</button></form>`,
      ),
    );
  });

  // Install: issue a code and send the merchant back to the app, signed.
  router.on("POST", "/admin/oauth/authorize", async ({ req, res, url }) => {
    const form = new Map(Object.entries(await readParams(req)).map(([k, v]) => [k, String(v)]));
    const shop = resolveShop(state, req, new URL(`${url.pathname}?shop=${encodeURIComponent(form.get("shop") ?? "")}`, url));
    let request: AuthorizeRequest;
    try {
      request = parseAuthorize(state, form);
    } catch (err) {
      return sendHtml(res, (err as HttpError).status ?? 400, oauthErrorPage((err as Error).message));
    }
    const code = randomToken("");
    state.codes.set(code, {
      code,
      shop: shop.domain,
      clientId: request.app.clientId,
      scopes: request.scopes,
      online: request.online,
      expiresAt: state.clock() + CODE_TTL_MS,
      used: false,
    });
    const handle = shop.domain.replace(/\.myshopify\.com$/, "");
    const params: Record<string, string> = {
      code,
      host: Buffer.from(`admin.shopify.com/store/${handle}`).toString("base64").replace(/=+$/, ""),
      shop: shop.domain,
      state: request.state,
      timestamp: String(Math.floor(state.clock() / 1000)),
    };
    params.hmac = signQuery(params, request.app.clientSecret);
    const target = new URL(request.redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    redirect(res, target.toString());
  });

  router.on("POST", "/admin/oauth/access_token", (ctx) => exchangeToken(state, ctx));
}

async function exchangeToken(state: EmulatorState, { req, res, url }: Ctx): Promise<void> {
  const shop = resolveShop(state, req, url);
  const body = await readParams(req);
  const fail = (description: string, error = "invalid_request") => sendJson(res, 400, { error, error_description: description });
  const app = state.apps.get(String(body.client_id ?? ""));
  if (!app || app.clientSecret !== String(body.client_secret ?? "")) return fail("Client credentials are invalid", "invalid_client");
  const now = state.clock();
  const { limits } = state;

  if (body.grant_type === "refresh_token") {
    const old = state.refreshTokens.get(String(body.refresh_token ?? ""));
    if (!old || old.shop !== shop.domain || old.clientId !== app.clientId || old.expiresAt <= now) {
      return fail("The refresh token is invalid, expired or already used", "invalid_grant");
    }
    state.refreshTokens.delete(old.token); // rotating: each refresh token works once
    return sendJson(res, 200, issueOffline(state, shop.domain, app.clientId, old.scopes, true));
  }

  const code = state.codes.get(String(body.code ?? ""));
  if (!code || code.shop !== shop.domain || code.clientId !== app.clientId) return fail("The authorization code was not found");
  if (code.used) return fail("The authorization code was already used");
  if (code.expiresAt <= now) return fail("The authorization code has expired");
  code.used = true;
  shop.installedApps.add(app.clientId);

  if (code.online) {
    const token = randomToken("shpua_");
    const user = { id: 902541635, email: `staff@${shop.domain}`, firstName: "Staff", lastName: "Member" };
    state.tokens.set(token, { token, shop: shop.domain, clientId: app.clientId, scopes: code.scopes, online: true, expiresAt: now + limits.onlineTokenTtlSeconds * 1000, user });
    return sendJson(res, 200, {
      access_token: token,
      scope: code.scopes.join(","),
      expires_in: limits.onlineTokenTtlSeconds,
      associated_user_scope: code.scopes.join(","),
      session: randomToken(""),
      account_number: 0,
      associated_user: { id: user.id, first_name: user.firstName, last_name: user.lastName, email: user.email, account_owner: true, locale: "en", collaborator: false, email_verified: true },
    });
  }
  const expiring = String(body.expiring ?? "0") === "1";
  sendJson(res, 200, issueOffline(state, shop.domain, app.clientId, code.scopes, expiring));
}

function issueOffline(state: EmulatorState, shop: string, clientId: string, scopes: string[], expiring: boolean) {
  const now = state.clock();
  const { limits } = state;
  const token = randomToken("shpat_");
  state.tokens.set(token, { token, shop, clientId, scopes, online: false, expiresAt: expiring ? now + limits.offlineTokenTtlSeconds * 1000 : null });
  if (!expiring) return { access_token: token, scope: scopes.join(",") };
  const refresh = randomToken("shprt_");
  state.refreshTokens.set(refresh, { token: refresh, shop, clientId, scopes, expiresAt: now + limits.refreshTokenTtlSeconds * 1000 });
  return {
    access_token: token,
    scope: scopes.join(","),
    expires_in: limits.offlineTokenTtlSeconds,
    refresh_token: refresh,
    refresh_token_expires_in: limits.refreshTokenTtlSeconds,
  };
}
