import { describe, inject } from "vitest";
import { createPostgresQueue } from "~/server/infra/queue/postgres";
import { servicesReady, uniquePrefix } from "../helpers/context";
import { queueContract } from "./contracts/queue.contract";

describe.skipIf(!servicesReady)("Postgres queue adapter (pg-boss)", () => {
  const url = inject("databaseUrl");
  queueContract("postgres", () => createPostgresQueue({ url, prefix: uniquePrefix("pgq") }));
});
