import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { needsBuild } from "../../scripts/lib/local-services";

const root = path.resolve(import.meta.dirname, "../..");

function exec(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", 2, 2] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

/** `next build` when `.next` is older than the sources (before anything is measured: a build takes the CPU). */
export async function buildAppIfNeeded(log: (msg: string) => void): Promise<void> {
  if (!needsBuild(root)) return;
  log("building the app (next build)");
  await exec(path.join(root, "node_modules/.bin/next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1" });
}

export interface WebApp {
  base: string;
  process: ChildProcess;
  /** Signs in through better-auth as the sign-in page does; the session cookie. */
  signIn(email: string, password: string): Promise<string>;
  stop(): void;
}

/**
 * The web app as it runs in production (`scripts/server.ts` after `next build`), a process of its own on `port`, with this process's
 * environment — and its own address as APP_URL unless `env` names another (better-auth accepts sign-ins from that origin only).
 */
export async function startWebApp(opts: { port: number; env?: Record<string, string> }): Promise<WebApp> {
  const child: ChildProcess = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/server.ts"], {
    cwd: root,
    env: { ...process.env, APP_URL: `http://127.0.0.1:${opts.port}`, ...opts.env, PORT: String(opts.port), HOST: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", 2],
  });
  process.on("exit", () => child.exitCode === null && child.kill("SIGKILL"));
  const base = `http://127.0.0.1:${opts.port}`;
  for (const deadline = Date.now() + 120_000; !(await fetch(`${base}/api/health`).then((r) => r.ok, () => false)); ) {
    if (Date.now() > deadline) throw new Error("the web app did not start");
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    process: child,
    async signIn(email, password) {
      const res = await fetch(`${base}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ email, password }) });
      if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
      return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    },
    stop: () => void child.kill("SIGTERM"),
  };
}
