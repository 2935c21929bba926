"use client";

import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useBrand } from "~/components/brands/brand-context";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { TextField } from "~/components/ui/field";
import { SkeletonRows } from "~/components/ui/skeleton";
import { roleAtLeast } from "~/lib/roles";
import { scopeLabels } from "~/lib/scopes";
import { describeError, useTRPC } from "~/lib/trpc";
import { Timestamp } from "~/components/ui/timestamp";

const STATUS = {
  connected: { label: "Connected", tone: "green" },
  needs_reauth: { label: "Needs re-authorization", tone: "amber" },
  uninstalled: { label: "Uninstalled", tone: "red" },
  disconnected: { label: "Disconnected", tone: "slate" },
} as const;

export function StoresView({ connected, error, shop }: { connected?: string; error?: string; shop?: string }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isOwner = roleAtLeast(brand.role, "owner");
  const list = useQuery(trpc.stores.list.queryOptions({ brand: brand.slug }));
  const requests = useQuery({ ...trpc.stores.dataRequests.queryOptions({ brand: brand.slug }), enabled: isOwner });
  const disconnect = useMutation(
    trpc.stores.disconnect.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.stores.list.queryKey({ brand: brand.slug }) }) }),
  );

  return (
    <>
      <PageHeader title="Stores" description="The Shopify stores this brand's data comes from." />
      <div className="space-y-6">
        {connected ? (
          <Alert tone="success" title={`${connected} is connected`}>
            Its access token is stored encrypted. The last three days of orders, customers and products arrive first, and the
            whole history follows through Shopify&apos;s bulk export —{" "}
            <Link className="font-semibold underline" href={`/${brand.slug}/sync`}>
              follow it on the Sync page
            </Link>
            .
          </Alert>
        ) : null}
        {isOwner ? (
          <Card>
            <CardHeader title="Connect a Shopify store" description="You will approve the connection on Shopify, then come back here." />
            <CardBody>
              {list.data && !list.data.shopifyConfigured ? (
                <Alert tone="warning">Shopify app credentials are not configured (SHOPIFY_API_KEY and SHOPIFY_API_SECRET).</Alert>
              ) : (
                <form method="get" action="/api/shopify/install" className="flex flex-col gap-3 sm:flex-row sm:items-end">
                  <input type="hidden" name="brand" value={brand.slug} />
                  <div className="flex-1">
                    <TextField label="Shop domain" name="shop" placeholder="your-store.myshopify.com" defaultValue={shop ?? ""} error={error} required />
                  </div>
                  <Button type="submit">Connect Shopify store</Button>
                </form>
              )}
            </CardBody>
          </Card>
        ) : (
          <Alert tone="info">Only owners can connect or disconnect stores.</Alert>
        )}
        <Card>
          <CardHeader title="Connected stores" />
          <CardBody>
            {disconnect.error ? <Alert tone="error" className="mb-3">{describeError(disconnect.error).message}</Alert> : null}
            {list.isPending ? (
              <SkeletonRows rows={2} />
            ) : !list.data?.stores.length ? (
              <EmptyState title="No store yet" description={isOwner ? "Connect your Shopify store above to bring in its orders, customers and products." : "An owner of this brand can connect a Shopify store."} />
            ) : (
              <ul className="divide-y divide-slate-100" aria-label="Stores">
                {list.data.stores.map((s) => (
                  <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                    <div>
                      <p className="font-medium text-slate-900">{s.shopDomain}</p>
                      <p className="text-xs text-slate-500">
                        Connected <Timestamp at={s.connectedAt} />
                      </p>
                      <p className="text-xs text-slate-500">
                        Access: {scopeLabels(s.scopes).join(" · ") || "—"}
                      </p>
                      <p className="mt-1 text-sm text-slate-600" data-testid="synced-counts">
                        {s.orders.toLocaleString()} orders · {s.customers.toLocaleString()} customers · {s.products.toLocaleString()} products synced
                      </p>
                    </div>
                    <div className="flex items-center gap-3">
                      <Badge tone={STATUS[s.status].tone}>{STATUS[s.status].label}</Badge>
                      {isOwner && s.status !== "disconnected" ? (
                        <Button
                          variant="danger"
                          size="sm"
                          loading={disconnect.isPending && disconnect.variables?.storeId === s.id}
                          onClick={() => {
                            if (confirm(`Disconnect ${s.shopDomain}? Its tokens are deleted; its data stays.`)) disconnect.mutate({ brand: brand.slug, storeId: s.id });
                          }}
                        >
                          Disconnect
                        </Button>
                      ) : null}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </CardBody>
        </Card>
        {isOwner && requests.data?.length ? (
          <Card>
            <CardHeader title="Customer data requests" description="Shopify forwarded these customers' requests for their data: download and hand them over." />
            <CardBody>
              <ul className="divide-y divide-slate-100" aria-label="Data requests">
                {requests.data.map((r) => (
                  <li key={r.id} className="flex items-center justify-between py-2 text-sm">
                    <span>
                      Customer {r.customerShopifyId} · {r.shop} · <Timestamp at={r.requestedAt} />
                    </span>
                    <a className="font-medium text-indigo-600 hover:text-indigo-500" href={`/api/data-requests/${r.id}?brand=${brand.slug}`}>
                      Download JSON
                    </a>
                  </li>
                ))}
              </ul>
            </CardBody>
          </Card>
        ) : null}
      </div>
    </>
  );
}
