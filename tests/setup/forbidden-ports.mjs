// Integration tests must never reach a developer's running app (3000) or Shopify emulator (4100):
// once, a test run delivered webhooks with invalid HMACs to whatever app listened on 3000.
// Plain JavaScript on purpose: every Node process the tests spawn loads it through NODE_OPTIONS
// (`--import`), without a TypeScript loader. tests/setup/env.ts installs it in the test worker.
import { appendFileSync } from "node:fs";
import net from "node:net";

export const FORBIDDEN_PORTS = Object.freeze([3000, 4100]);
/** Where every guarded process writes what it refused, one line each, for the test worker to report. */
export const LOG_ENV = "BRANDBASE_FORBIDDEN_PORTS_LOG";

const installed = Symbol.for("brandbase.forbiddenPorts");

/** Host and port of `socket.connect(...)` in any of its call shapes, or null for a path (IPC). */
function targetOf(args) {
  // net.connect() hands its already-normalized [options, callback] array through as one argument.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === "object") {
    if (first.path !== undefined) return null;
    return { host: first.host ?? "localhost", port: Number(first.port) };
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return null;
  return { host: typeof args[1] === "string" ? args[1] : "localhost", port: Number(first) };
}

/**
 * Makes every TCP connection to a forbidden port fail before it is attempted: the socket errors
 * with a message naming the port, and the attempt is logged so the test that made it fails.
 * Covers everything built on net.Socket (http, fetch/undici, TLS, ioredis, postgres.js).
 */
export function installForbiddenPortsGuard(logPath = process.env[LOG_ENV]) {
  const proto = net.Socket.prototype;
  if (proto[installed]) return;
  const connect = proto.connect;
  proto.connect = function guardedConnect(...args) {
    const target = targetOf(args);
    if (target && FORBIDDEN_PORTS.includes(target.port)) {
      const where = `${target.host}:${target.port}`;
      const error = new Error(`Integration tests must not connect to port ${target.port} (${where}): a developer's app may be running there. Give the test a server of its own.`);
      error.code = "EFORBIDDENPORT";
      const frame = (error.stack ?? "").split("\n").slice(1).find((l) => !/forbidden-ports\.mjs|node:|node_modules/.test(l)) ?? "";
      if (logPath) appendFileSync(logPath, `${where} from pid ${process.pid}${frame ? ` ${frame.trim()}` : ""}\n`);
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  };
  proto[installed] = true;
}

if (process.env[LOG_ENV]) installForbiddenPortsGuard();
