import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoEmulatorCommand } from "../../scripts/lib/emulator-command";
import { approveOnConsentPage } from "./harness";

const root = path.resolve(import.meta.dirname, "../..");
const SECRET = `cli-secret-${randomUUID()}`;
const APP_URL = "http://127.0.0.1:9";
const SHOP = "demo-brand.myshopify.com";

/** The process and every descendant (tsx runs the CLI in a node child of its own). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

/** Spawns the emulator exactly as `npm start` does in demo mode (same command, arguments and environment handling). */
function startDemoEmulator(extraArgs: string[] = []) {
  const cli = demoEmulatorCommand({ port: "0", orders: "50", bulkSpeed: "25000", clientId: "cli-test", clientSecret: SECRET, appUrl: APP_URL }, process.env);
  const child = spawn(path.join(root, "node_modules/.bin", cli.command), [...cli.args, ...extraArgs], { cwd: root, env: cli.env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const match = /Shopify emulator at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`the emulator exited (${code}): ${output}`)));
  });
  return { child, url, exited, output: () => output };
}

describe("the emulator CLI as npm start runs it", () => {
  let emulator: ReturnType<typeof startDemoEmulator>;
  let url: string;

  beforeAll(async () => {
    emulator = startDemoEmulator();
    url = await emulator.url;
  }, 60_000);
  afterAll(async () => {
    if (emulator.child.exitCode === null) emulator.child.kill("SIGTERM");
    await emulator.exited;
  });

  it("keeps the client secret out of every process's command line", () => {
    const tree = processTree(emulator.child.pid!);
    expect(tree.length).toBeGreaterThanOrEqual(2); // tsx and the node process running the CLI
    const cmdlines = tree.map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" "));
    expect(cmdlines.filter((c) => c.includes("src/emulator/cli.ts")).length).toBeGreaterThanOrEqual(1);
    for (const cmdline of cmdlines) expect(cmdline).not.toContain(SECRET);
  });

  it("accepts the secret from the environment: the OAuth code exchange works with it and only with it", async () => {
    const authorize = new URL("/admin/oauth/authorize", url);
    for (const [k, v] of Object.entries({ client_id: "cli-test", scope: "read_orders", redirect_uri: `${APP_URL}/api/shopify/callback`, state: "s1", shop: SHOP })) authorize.searchParams.set(k, v);
    const { callbackUrl } = await approveOnConsentPage(authorize.toString());
    const code = new URL(callbackUrl).searchParams.get("code")!;
    const exchange = (secret: string) =>
      fetch(`${url}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-emulator-shop": SHOP },
        body: JSON.stringify({ client_id: "cli-test", client_secret: secret, code }),
      });
    const wrong = await exchange("brandbase-dev-secret");
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });
    const right = await exchange(SECRET);
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ access_token: expect.stringMatching(/^shpat_/), scope: "read_orders" });
  });

  it("refuses a secret given on the command line, saying where it belongs", async () => {
    const attempt = startDemoEmulator([`--client-secret=${SECRET}`]);
    // Either it exits, or it starts listening (then it is stopped and the test fails).
    const outcome = await Promise.race([attempt.exited.then((code) => ({ exited: code })), attempt.url.then(() => ({ started: true }), () => new Promise<never>(() => {}))]);
    if ("started" in outcome) {
      attempt.child.kill("SIGTERM");
      await attempt.exited;
    }
    expect(outcome).toEqual({ exited: 2 });
    expect(attempt.output()).toContain("SHOPIFY_API_SECRET");
  }, 30_000);
});
