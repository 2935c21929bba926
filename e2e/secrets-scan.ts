/**
 * The e2e run's last step (Playwright's global teardown): reads everything the run's processes wrote
 * (web, workers, emulator: `.e2e/*.log`) and fails the run if any secret the run created is in it.
 *
 * Secrets looked for, by value: the configuration's (BETTER_AUTH_SECRET, TOKEN_ENCRYPTION_KEY, the
 * emulator app's client secret), the password the tests type, the ones tests recorded (one-time
 * administrator passwords), and from the database: session tokens, verification tokens, and the
 * Shopify access and refresh tokens (decrypted with TOKEN_ENCRYPTION_KEY), and the links (with their
 * tokens) of the mail in the outbox. By shape, in what the
 * app's processes wrote (the emulator plays Shopify and prints a token of its own): Shopify tokens,
 * session cookies and invitation links, whose tokens the database keeps only hashed and which a
 * signed-out session or an uninstalled store no longer has.
 * A finding names the kind of secret and the line, never the secret.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { SecretCipher } from "../src/server/crypto/cipher";
import { CONFIG_SECRETS, E2E_DATABASE_URL, RUN_DIR, SECRETS_FILE } from "./env";
import { PASSWORD } from "./helpers";

interface Secret {
  kind: string;
  value: string;
}

/** Values too short to be told apart from ordinary text are not secrets worth scanning for. */
const MIN_LENGTH = 8;

async function secretsFromDatabase(): Promise<Secret[]> {
  const sql = postgres(E2E_DATABASE_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const found: Secret[] = [];
    for (const { token } of await sql<{ token: string }[]>`select token from "session"`) found.push({ kind: "session token", value: token });
    // better-auth keeps a password-reset token as "reset-password:<token>" (the value is a user id, not secret).
    for (const { identifier } of await sql<{ identifier: string }[]>`select identifier from verification`) {
      const token = identifier.slice(identifier.indexOf(":") + 1);
      if (identifier.includes(":") && !token.includes("@") && token.length >= 16) found.push({ kind: `verification token (${identifier.split(":")[0]})`, value: token });
    }
    const cipher = new SecretCipher(CONFIG_SECRETS.TOKEN_ENCRYPTION_KEY);
    for (const row of await sql<{ access_token: string; refresh_token: string | null }[]>`select access_token, refresh_token from shopify_session`) {
      found.push({ kind: "Shopify access token", value: cipher.decrypt(row.access_token) });
      if (row.refresh_token) found.push({ kind: "Shopify refresh token", value: cipher.decrypt(row.refresh_token) });
      // Stored encrypted: the ciphertext itself in a log would be a leak of what only the database should hold.
      found.push({ kind: "encrypted Shopify token", value: row.access_token });
    }
    // Invitation, reset and verification links the outbox holds (mail in the outbox keeps its link).
    for (const { kind, link } of await sql<{ kind: string; link: string }[]>`select kind, secret_link as link from mail_messages where secret_link is not null`) {
      found.push({ kind: `${kind} mail link`, value: link });
      const token = /[?&]token=([^&]+)|\/invite\/([\w-]+)/.exec(link);
      if (token?.[1] ?? token?.[2]) found.push({ kind: `${kind} mail token`, value: (token[1] ?? token[2])! });
    }
    return found;
  } finally {
    await sql.end();
  }
}

function recordedSecrets(): Secret[] {
  return readFileSync(SECRETS_FILE, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Secret);
}

/** Secret-shaped text in what our processes wrote; `[redacted]` is what redaction leaves and passes. */
const SHAPES: { kind: string; pattern: RegExp }[] = [
  { kind: "Shopify token", pattern: /\bshp(?:at|ua|rt|ca|pa|ss)_[0-9a-f]{16,}/ },
  { kind: "session cookie", pattern: /session_token=(?!\[redacted\])[^;\s"]{8,}/ },
  { kind: "invitation link", pattern: /\/invite\/(?!\[redacted\])[\w-]{20,}/ },
  { kind: "bearer credential", pattern: /\bBearer\s+(?!\[redacted\])[\w.~+/=-]{12,}/ },
  // Reset and verification links, OAuth codes: tokens that live only in a URL (and an email).
  { kind: "token in a URL", pattern: /[?&](?:token|code)=(?!\[redacted\])[\w.~%-]{16,}/ },
];

/** "web       | {…}" → the process name and what it wrote. */
function splitLine(line: string): { process: string; text: string } {
  const bar = line.indexOf("| ");
  return bar > 0 ? { process: line.slice(0, bar).trim(), text: line.slice(bar + 2) } : { process: "", text: line };
}

export default async function scanForSecrets(): Promise<void> {
  const logs = readdirSync(RUN_DIR).filter((f) => f.endsWith(".log"));
  const lines = logs.flatMap((file) => readFileSync(path.join(RUN_DIR, file), "utf8").split("\n").map((line, i) => ({ where: `${file}:${i + 1}`, ...splitLine(line) })));
  // A scan of nothing proves nothing: the web app and the workers must have written their logs here.
  const processes = new Set(lines.map((l) => l.process));
  if (!processes.has("web") || ![...processes].some((p) => p.startsWith("ingestion"))) {
    throw new Error(`The secrets scan found no web or ingestion worker output in ${RUN_DIR} (processes seen: ${[...processes].join(", ") || "none"})`);
  }

  const secrets: Secret[] = [
    ...Object.entries(CONFIG_SECRETS).map(([kind, value]) => ({ kind, value })),
    // (Not the demo password: it is published — printed at start, in the README — and equals the demo app's client id.)
    { kind: "password typed by the tests", value: PASSWORD },
    ...recordedSecrets(),
    ...(await secretsFromDatabase()),
  ].filter((s) => s.value.length >= MIN_LENGTH);

  const findings: string[] = [];
  for (const line of lines) {
    for (const s of secrets) {
      if (line.text.includes(s.value) || line.text.includes(encodeURIComponent(s.value))) findings.push(`${line.where} (${line.process}): ${s.kind}`);
    }
    if (line.process === "shopify") continue;
    for (const shape of SHAPES) if (shape.pattern.test(line.text)) findings.push(`${line.where} (${line.process}): ${shape.kind}`);
  }
  console.log(`Secrets scan: ${lines.length} lines from ${[...processes].filter(Boolean).join(", ")} checked against ${secrets.length} secrets and ${SHAPES.length} shapes.`);
  if (findings.length) throw new Error(`Secrets found in the e2e run's logs (${findings.length}):\n  ${[...new Set(findings)].slice(0, 50).join("\n  ")}`);
}
