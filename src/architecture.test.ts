import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The import rules of DESIGN.md ("Layout") hold because `npm run lint` reports a break. These
 * lint in-memory files placed under the protected folders with the project's own ESLint config,
 * and check that each forbidden import is reported by the rule that names it — and that the
 * imports the architecture allows are not.
 */

const root = path.resolve(import.meta.dirname, "..");
// Linting one small file takes milliseconds, but a busy two-core machine can stall it for seconds.
const LINT_TIMEOUT_MS = 20_000;
let eslint: ESLint;

beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  // Loading the config and its plugins takes seconds on a busy machine: once, here.
  await eslint.lintText("export {};", { filePath: path.join(root, "src/fixture.ts") });
}, 60_000);

/** Lints `code` as if it were the file `file`; returns every message, failing on a parse error. */
async function lint(file: string, code: string) {
  const filePath = path.join(root, file);
  expect(await eslint.isPathIgnored(filePath), `${file} is ignored by the config`).toBe(false);
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, "the fixture must parse").toEqual([]);
  return result!.messages;
}

async function boundaryErrors(file: string, code: string) {
  return (await lint(file, code)).filter((m) => m.ruleId === "boundaries/dependencies").map((m) => m.message);
}

const WEB_TO_WORKERS = /never import src\/workers or src\/emulator/;
const WORKERS_TO_UI = /src\/workers never imports src\/app/;
const EMULATOR_ALONE = /src\/emulator stands in for Shopify/;
const SERVICES_FRAMEWORK_FREE = /Services are framework-free/;
const INFRA_ONLY = /Only src\/server\/infra imports ioredis, bullmq, pg-boss/;
const LIB_SHARED = /src\/lib is shared with the browser/;
const CLIENT_TYPES_ONLY = /"use client" module is bundled for the browser/;
const NOTHING_FROM_TESTS = /Nothing in src imports tests, e2e, bench or scripts/;

const forbidden: [what: string, file: string, code: string, rule: RegExp][] = [
  ["a service imports next/headers", "src/server/services/fixture/x.ts", `import { headers } from "next/headers";\nvoid headers;`, SERVICES_FRAMEWORK_FREE],
  ["a service imports next/server", "src/server/services/fixture/x.ts", `import { NextResponse } from "next/server";\nvoid NextResponse;`, SERVICES_FRAMEWORK_FREE],
  ["a service imports @trpc/server", "src/server/services/fixture/x.ts", `import { TRPCError } from "@trpc/server";\nvoid TRPCError;`, SERVICES_FRAMEWORK_FREE],
  ["a service imports the tRPC layer", "src/server/services/fixture/x.ts", `import { createTRPCContext } from "~/server/api/trpc";\nvoid createTRPCContext;`, SERVICES_FRAMEWORK_FREE],
  ["a service imports the tRPC layer by a relative path", "src/server/services/fixture/x.ts", `import * as trpc from "../../api/trpc";\nvoid trpc;`, SERVICES_FRAMEWORK_FREE],
  ["a route imports src/workers", "src/app/api/fixture/route.ts", `import * as workers from "~/workers/index";\nvoid workers;`, WEB_TO_WORKERS],
  ["a page imports src/emulator", "src/app/fixture/page.tsx", `import * as emulator from "~/emulator/index";\nvoid emulator;`, WEB_TO_WORKERS],
  ["src/server imports src/workers by a relative path", "src/server/jobs/fixture.ts", `import * as workers from "../../workers/index";\nvoid workers;`, WEB_TO_WORKERS],
  ["src/server imports src/workers dynamically", "src/server/fixture.ts", `export const load = () => import("~/workers/index");`, WEB_TO_WORKERS],
  ["src/server re-exports from src/emulator", "src/server/fixture.ts", `export * from "~/emulator/index";`, WEB_TO_WORKERS],
  ["a component imports src/workers", "src/components/fixture.tsx", `import * as workers from "~/workers/index";\nvoid workers;`, WEB_TO_WORKERS],
  ["a worker imports src/app", "src/workers/fixture.worker.ts", `import RootLayout from "~/app/layout";\nvoid RootLayout;`, WORKERS_TO_UI],
  ["a worker imports src/components", "src/workers/fixture.worker.ts", `import { Button } from "~/components/ui/button";\nvoid Button;`, WORKERS_TO_UI],
  ["the emulator imports src/server", "src/emulator/fixture.ts", `import { getEnv } from "~/server/env";\nvoid getEnv;`, EMULATOR_ALONE],
  ["a service imports ioredis", "src/server/services/fixture/x.ts", `import { Redis } from "ioredis";\nvoid Redis;`, INFRA_ONLY],
  ["a worker imports bullmq", "src/workers/fixture.worker.ts", `import { Worker } from "bullmq";\nvoid Worker;`, INFRA_ONLY],
  ["a worker imports bullmq's types", "src/workers/fixture.worker.ts", `import type { Job } from "bullmq";\nexport type J = Job;`, INFRA_ONLY],
  ["src/server outside infra imports ioredis", "src/server/jobs/fixture.ts", `import Redis from "ioredis";\nvoid Redis;`, INFRA_ONLY],
  ["a route imports bullmq", "src/app/api/fixture/route.ts", `import { Queue } from "bullmq";\nvoid Queue;`, INFRA_ONLY],
  ["a service imports pg-boss", "src/server/services/fixture/x.ts", `import { PgBoss } from "pg-boss";\nvoid PgBoss;`, INFRA_ONLY],
  [
    "a client component imports a value from src/server",
    "src/components/fixture.tsx",
    `"use client";\nimport { QUEUE_NAMES } from "~/server/jobs/contracts";\nexport const names = QUEUE_NAMES;`,
    CLIENT_TYPES_ONLY,
  ],
  [
    "a client page imports a value from src/server by a relative path",
    "src/app/fixture/page.tsx",
    `"use client";\nimport { isAppError } from "../../server/errors";\nexport default function Page() { return isAppError(null) ? null : null; }`,
    CLIENT_TYPES_ONLY,
  ],
  ["a client component imports server-only", "src/components/fixture.tsx", `"use client";\nimport "server-only";`, CLIENT_TYPES_ONLY],
  ["src/lib imports a value from src/server", "src/lib/fixture.ts", `import { isAppError } from "~/server/errors";\nvoid isAppError;`, LIB_SHARED],
  ["src/lib imports a Node module", "src/lib/fixture.ts", `import { readFile } from "node:fs/promises";\nvoid readFile;`, LIB_SHARED],
  ["src/lib imports next/headers", "src/lib/fixture.ts", `import { cookies } from "next/headers";\nvoid cookies;`, LIB_SHARED],
  ["src/server imports tests", "src/server/fixture.ts", `import * as helpers from "../../tests/helpers/context";\nvoid helpers;`, NOTHING_FROM_TESTS],
  ["a worker imports bench", "src/workers/fixture.worker.ts", `import * as bench from "../../bench/run";\nvoid bench;`, NOTHING_FROM_TESTS],
  ["a component imports scripts", "src/components/fixture.tsx", `import { run } from "../../scripts/lib/processes";\nvoid run;`, NOTHING_FROM_TESTS],
];

const allowed: [what: string, file: string, code: string][] = [
  [
    "a service imports the database, errors, other services and types of the Shopify client",
    "src/server/services/fixture/x.ts",
    `import { z } from "zod";\nimport { getDb } from "~/server/db/client";\nimport { AppError } from "../../errors";\nimport { findMembership } from "../brands/brands";\nimport type { Shopify } from "../../shopify/api";\nexport const used = [z, getDb, AppError, findMembership];\nexport type S = Shopify;`,
  ],
  ["infra imports ioredis and bullmq", "src/server/infra/fixture.ts", `import { Redis } from "ioredis";\nimport { Queue } from "bullmq";\nexport const used = [Redis, Queue];`],
  ["a worker imports services, jobs and infra", "src/workers/fixture.worker.ts", `import { getInfra } from "~/server/infra";\nimport { QUEUE_NAMES } from "~/server/jobs/contracts";\nexport const used = [getInfra, QUEUE_NAMES];`],
  [
    "a route imports the tRPC layer and services",
    "src/app/api/fixture/route.ts",
    `import { appRouter } from "~/server/api/root";\nimport { getSyncStatus } from "~/server/services/sync/status";\nexport const used = [appRouter, getSyncStatus];`,
  ],
  ["a server component imports values from src/server", "src/components/fixture.tsx", `import { QUEUE_NAMES } from "~/server/jobs/contracts";\nexport const names = QUEUE_NAMES;`],
  [
    "a client component imports types from src/server",
    "src/components/fixture.tsx",
    `"use client";\nimport type { QueueName } from "~/server/jobs/contracts";\nimport { cn } from "~/lib/cn";\nexport const name: QueueName = "sync";\nexport const used = cn;`,
  ],
  ["src/lib imports types from src/server", "src/lib/fixture.ts", `import type { AppRouter } from "~/server/api/root";\nexport type R = AppRouter;`],
  ["the emulator imports its own modules and Node", "src/emulator/fixture.ts", `import { createServer } from "node:http";\nimport * as emulator from "./index";\nexport const used = [createServer, emulator];`],
  ["tests import what they need", "tests/fixture.test.ts", `import { Queue } from "bullmq";\nimport * as workers from "~/workers/index";\nimport * as emulator from "~/emulator/index";\nexport const used = [Queue, workers, emulator];`],
];

describe("import boundaries (eslint.config.mjs)", () => {
  it.each(forbidden)("reports when %s", async (_what, file, code, rule) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.length, `expected a boundary error in ${file}`).toBeGreaterThan(0);
    expect(errors.some((message) => rule.test(message)), errors.join("\n")).toBe(true);
  }, LINT_TIMEOUT_MS);

  it.each(allowed)("allows it when %s", async (_what, file, code) => {
    expect(await lint(file, code)).toEqual([]);
  }, LINT_TIMEOUT_MS);
});
