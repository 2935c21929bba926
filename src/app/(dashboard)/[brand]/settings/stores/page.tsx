import type { Metadata } from "next";
import { StoresView } from "~/components/stores/stores-view";

export const metadata: Metadata = { title: "Stores" };

export default async function StoresPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { connected, error, shop } = await searchParams;
  return <StoresView connected={connected} error={error} shop={shop} />;
}
