import { inject } from "vitest";

// Every module that reads the environment (getEnv) sees the test services.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = inject("redisUrl");
process.env.BETTER_AUTH_SECRET ??= "integration-tests-secret-0123456789abcdef";
process.env.LOG_LEVEL ??= "silent";
process.env.APP_URL ??= "http://localhost:3000";
// Shopify tokens are sealed at rest; suites that connect stores set their own key.
process.env.TOKEN_ENCRYPTION_KEY ??= Buffer.from("integration-tests-token-key-0123").toString("base64");
