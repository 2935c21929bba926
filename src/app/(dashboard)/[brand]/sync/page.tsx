import type { Metadata } from "next";
import { SyncView } from "~/components/sync/sync-view";

export const metadata: Metadata = { title: "Sync" };

export default function SyncPage() {
  return <SyncView />;
}
