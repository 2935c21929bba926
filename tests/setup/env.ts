import { afterAll, afterEach, inject } from "vitest";
import { failOnForbiddenConnections, installPortGuard, removePortGuardLog } from "./port-guard";

installPortGuard();
afterEach(() => failOnForbiddenConnections("during this test"));
afterAll(() => {
  try {
    failOnForbiddenConnections("in this file's hooks");
  } finally {
    removePortGuardLog();
  }
});

// Every module that reads the environment (getEnv) sees the test services.
process.env.DATABASE_URL = inject("databaseUrl");
// TEST_BACKEND=postgres: the process-wide infra (getInfra) runs without Redis, as in Postgres mode.
if (process.env.TEST_BACKEND === "postgres") delete process.env.REDIS_URL;
else process.env.REDIS_URL = inject("redisUrl");
process.env.BETTER_AUTH_SECRET ??= "integration-tests-secret-0123456789abcdef";
process.env.LOG_LEVEL ??= "silent";
// A server of the run's own (tests/setup/global.ts), never a developer's app on :3000. Tests that
// must receive what is sent to the app (webhooks) start a receiver and point APP_URL at it.
process.env.APP_URL = inject("appUrl");
// Shopify tokens are sealed at rest; suites that connect stores set their own key.
process.env.TOKEN_ENCRYPTION_KEY ??= Buffer.from("integration-tests-token-key-0123").toString("base64");
