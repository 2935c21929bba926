/** A bulk export worker thread: rebuilds the shop's store from a snapshot and serializes the batches it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import { ShopStore, type StoreSnapshot } from "../store/shop-store";
import type { BulkPlan } from "./plan";
import { type Indices, serializeBatch } from "./serialize";

const data = workerData as { snapshot: StoreSnapshot; plan: BulkPlan; groupObjects: boolean };
const store = ShopStore.fromSnapshot(data.snapshot);

parentPort!.on("message", (msg: { seq: number; indices: Indices }) => {
  // The text goes back as a string (a flat copy); the main thread, mostly idle, encodes it on write.
  const batch = serializeBatch(store, data.plan, msg.indices, data.groupObjects);
  parentPort!.postMessage({ seq: msg.seq, text: batch.text, objects: batch.objects, roots: batch.roots });
});
