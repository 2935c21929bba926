/** A bulk export worker thread: rebuilds the shop's store from a snapshot and serializes the batches it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import { ShopStore, type StoreSnapshot } from "../store/shop-store";
import type { BulkPlan } from "./plan";
import { type Indices, serializeBatch } from "./serialize";

const data = workerData as { snapshot: StoreSnapshot; plan: BulkPlan; groupObjects: boolean };
const store = ShopStore.fromSnapshot(data.snapshot);

parentPort!.on("message", (msg: { seq: number; indices: Indices }) => {
  // Encoded here and transferred, not copied: the main thread only writes bytes.
  const batch = serializeBatch(store, data.plan, msg.indices, data.groupObjects);
  const bytes = Buffer.from(batch.text, "utf8");
  // Large strings get an ArrayBuffer of their own: transfer it as is (a pooled one must be copied out).
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  parentPort!.postMessage({ seq: msg.seq, buffer, objects: batch.objects, roots: batch.roots }, [buffer]);
});
