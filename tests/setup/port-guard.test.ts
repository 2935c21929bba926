import { spawn } from "node:child_process";
import { createServer } from "node:http";
import net, { type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { takeForbiddenConnections } from "./port-guard";

/** The error a connection attempt ended with (the socket's own, whatever the client wraps it in). */
async function failureOf(attempt: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const err = await attempt.then(
    () => new Error("the connection was allowed"),
    (e: Error & { cause?: Error }) => e,
  );
  const cause = (err as Error & { cause?: Error & { code?: string } }).cause ?? (err as Error & { code?: string });
  return { code: cause.code, message: cause.message };
}

function socketError(socket: net.Socket): Promise<never> {
  return new Promise((_, reject) => {
    socket.on("error", reject);
    socket.on("connect", () => reject(Object.assign(new Error("the connection was allowed"), { code: "CONNECTED" })));
  });
}

// The guard (tests/setup/forbidden-ports.mjs) is installed by the setup file every integration test runs with.
describe("integration tests cannot reach ports 3000 and 4100", () => {
  it("refuses fetch, http and raw sockets to those ports before connecting, and reports each attempt", async () => {
    expect(await failureOf(fetch("http://localhost:3000/api/webhooks/shopify", { method: "POST", body: "{}" }))).toMatchObject({
      code: "EFORBIDDENPORT",
      message: expect.stringContaining("must not connect to port 3000"),
    });
    expect(await failureOf(socketError(net.connect({ host: "127.0.0.1", port: 4100 })))).toMatchObject({ code: "EFORBIDDENPORT" });
    // The call shape postgres.js uses: a bare socket, then connect(port, host).
    expect(await failureOf(socketError(new net.Socket().connect(3000, "127.0.0.1")))).toMatchObject({ code: "EFORBIDDENPORT" });

    const reported = takeForbiddenConnections();
    expect(reported).toHaveLength(3);
    expect(reported[0]).toMatch(/^localhost:3000 from pid \d+/);
    expect(reported[1]).toMatch(/^127\.0\.0\.1:4100 /);
    expect(reported[2]).toMatch(/^127\.0\.0\.1:3000 /);
  });

  it("guards the Node processes a test spawns too", async () => {
    const script = "fetch('http://127.0.0.1:4100/').then(() => console.log('CONNECTED'), (e) => console.log(e.cause?.code ?? e.code))";
    const child = spawn(process.execPath, ["-e", script], { env: process.env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: "EFORBIDDENPORT" });
    expect(takeForbiddenConnections()).toEqual([expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:4100 from pid ${child.pid}`))]);
  });

  it("lets every other port through", async () => {
    const server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("ok");
      expect(takeForbiddenConnections()).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
