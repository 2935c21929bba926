import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { getSql } from "~/server/db/client";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { type Heartbeat, startHeartbeat } from "~/workers/heartbeat";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { eventually, servicesReady, testBackend, testInfra, uniquePrefix } from "../helpers/context";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The worker containers' health check, as docker-compose.yml runs it (`$$` is Compose's escape for `$`). */
const workerCheck = (parse(readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8")) as Record<string, string>)["x-worker-check"]!.replaceAll("$$", "$");

function runCheck(env: Record<string, string>, queues: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["-e", workerCheck, ...queues], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 20_000 }, (err, _stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe.skipIf(!servicesReady || testBackend !== "redis")("a worker's heartbeat and the containers' health check", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "brandbase-heartbeat-"));
  const prefix = uniquePrefix("hb");
  let infra: Infra;
  let workers: RunningWorkers;

  beforeAll(async () => {
    infra = testInfra(prefix);
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["analysis"], graceMs: 200 });
  });
  afterAll(async () => {
    await workers?.stop();
    await infra?.close();
    await closeInfra();
    rmSync(dir, { recursive: true, force: true });
  });

  it("beats while Postgres answers, and the check passes for the queues this worker runs, not others", async () => {
    const file = path.join(dir, "alive.json");
    const stop = startHeartbeat({ sql: getSql(), infra, log: getLogger() }, { file, queues: ["analysis"], everyMs: 100 });
    try {
      const beat = await eventually(async () => JSON.parse(readFileSync(file, "utf8")) as Heartbeat, { label: "a heartbeat" });
      expect(beat).toMatchObject({ queues: ["analysis"], mode: "redis" });
      expect(Date.now() - Date.parse(beat.at)).toBeLessThan(5_000);
      const env = { WORKER_HEARTBEAT_FILE: file, REDIS_URL: inject("redisUrl"), QUEUE_PREFIX: prefix };
      expect(await runCheck(env, ["analysis"])).toEqual({ code: 0, stderr: "" });
      const other = await runCheck(env, ["analysis", "sync"]);
      expect(other.code).toBe(1);
      expect(other.stderr).toContain("no BullMQ worker connection from this container for: sync");
    } finally {
      stop();
    }
  });

  it("fails the check when the heartbeat is old or missing, and passes a fresh one off Redis without asking Redis", async () => {
    const file = path.join(dir, "written.json");
    const write = (beat: Heartbeat) => writeFileSync(file, JSON.stringify(beat));
    const deadRedis = { WORKER_HEARTBEAT_FILE: file, REDIS_URL: "redis://127.0.0.1:1", QUEUE_PREFIX: prefix };

    write({ at: new Date(Date.now() - 120_000).toISOString(), queues: ["analysis"], mode: "degraded" });
    const old = await runCheck(deadRedis, ["analysis"]);
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/worker health: no heartbeat for 12\d s/);

    // Redis away: the queues run on Postgres, and a fresh heartbeat is all the check needs.
    write({ at: new Date().toISOString(), queues: ["analysis"], mode: "degraded" });
    expect(await runCheck(deadRedis, ["analysis"])).toEqual({ code: 0, stderr: "" });
    // On Redis, the same worker must have its connection there: with Redis unreachable, it fails.
    write({ at: new Date().toISOString(), queues: ["analysis"], mode: "redis" });
    expect((await runCheck(deadRedis, ["analysis"])).code).toBe(1);

    const missing = await runCheck({ ...deadRedis, WORKER_HEARTBEAT_FILE: path.join(dir, "none.json") }, ["analysis"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("worker health: ENOENT");
  });

  it("stops beating while Postgres does not answer", async () => {
    const file = path.join(dir, "unreachable.json");
    const unreachable = postgres("postgres://postgres@127.0.0.1:1/none", { max: 1, connect_timeout: 1, onnotice: () => {} });
    const stop = startHeartbeat({ sql: unreachable, infra, log: getLogger() }, { file, queues: ["analysis"], everyMs: 50 });
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      expect(() => readFileSync(file)).toThrow(/ENOENT/);
    } finally {
      stop();
      await unreachable.end({ timeout: 0 });
    }
  });
});
