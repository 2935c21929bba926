/**
 * The floors of `bench ingest`: a bare node:http server that commits one INSERT per request (no
 * validation, no auth, no group commit, no queue) and answers — an event into the same events
 * table, or (`/webhook`) a webhook body into the same webhook_deliveries table.
 *
 *   tsx bench/lib/insert-floor.ts <port>     (DATABASE_URL, FLOOR_BRAND_ID, FLOOR_SOURCE_ID from the environment)
 */
import { createServer } from "node:http";
import postgres from "postgres";

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const brandId = process.env.FLOOR_BRAND_ID!;
const sourceId = process.env.FLOOR_SOURCE_ID!;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.url === "/webhook") {
      const h = (name: string) => String(req.headers[name]);
      sql`insert into webhook_deliveries (shop_domain, topic, webhook_id, event_id, payload)
          values (${h("x-shopify-shop-domain")}, ${h("x-shopify-topic")}, ${h("x-shopify-webhook-id")}, ${h("x-shopify-event-id")}, ${Buffer.concat(chunks).toString("utf8")}::jsonb)
          on conflict do nothing`.then(
        () => res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}'),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { messageId: string; userId: string; event: string };
    const now = new Date().toISOString();
    sql`insert into events (brand_id, source_id, message_id, type, name, user_id, timestamp, received_at, payload)
        values (${brandId}, ${sourceId}, ${body.messageId}, 'track', ${body.event}, ${body.userId}, ${now}, ${now}, ${sql.json(body)})
        on conflict do nothing`.then(
      () => res.writeHead(200, { "content-type": "application/json" }).end('{"success":true}'),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
});
server.listen(Number(process.argv[2]), "127.0.0.1", () => console.error("insert floor listening"));
process.on("SIGTERM", () => void sql.end().finally(() => process.exit(0)));
