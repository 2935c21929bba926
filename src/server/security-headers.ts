/**
 * Headers every response of the web app carries (set by `scripts/server.ts` before Next.js answers).
 *
 * The CSP allows inline scripts and styles because Next.js's App Router streams its payload in inline
 * `<script>` tags; a nonce would force every page to render dynamically. What it does forbid:
 * framing by anyone (clickjacking), plugins, scripts, styles, fonts, images and connections from
 * other origins, and `<base>` pointing elsewhere. `form-action` is left out on purpose: the connect
 * form redirects to Shopify (and Shopify on to its login), and Chrome applies form-action to every
 * redirect of a form's navigation.
 */
export function securityHeaders(opts: { https: boolean; dev: boolean }): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.dev ? " ws: wss:" : ""}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
  return {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    // Only over https: browsers ignore it on http, and sending it from a plain-http setup would be a lie.
    ...(opts.https ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}
