import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** A TCP port nothing listens on now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export interface EmulatorProcess {
  url: string;
  child: ChildProcess;
  stop: () => void;
}

/**
 * The Shopify emulator CLI in a process of its own (its export threads must not share the
 * benchmark's CPU accounting), on a free port, with one shop and one app. It goes down with us.
 */
export async function startEmulatorProcess(opts: { shop: string; orders: number; customers: number; products: number; clientId: string; clientSecret: string }): Promise<EmulatorProcess> {
  const port = await freePort();
  const args = [
    path.join(root, "src/emulator/cli.ts"),
    "--shop", opts.shop, "--orders", String(opts.orders), "--customers", String(opts.customers), "--products", String(opts.products),
    "--seed", "1", "--days", "730", "--port", String(port),
    `--client-id=${opts.clientId}`,
    // No OAuth happens here; the redirect must still name somewhere that is not a developer's app.
    "--redirect", `http://127.0.0.1:${port}/nowhere`,
  ];
  // The client secret goes in the environment: a process's arguments are visible to every local user.
  const env = { ...process.env, SHOPIFY_API_SECRET: opts.clientSecret };
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), args, { env, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("Shopify emulator at") && resolve());
    child.on("exit", (code) => reject(new Error(`emulator exited (${code})`)));
  });
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGINT");
  };
  process.on("exit", stop);
  return { url: `http://127.0.0.1:${port}`, child, stop };
}
