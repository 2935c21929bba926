import { Badge } from "~/components/ui/badge";

/** Cancelled wins over the payment status; paid is green, anything else amber. */
export function OrderStatusBadge({ financialStatus, cancelledAt }: { financialStatus: string | null; cancelledAt: Date | null }) {
  if (cancelledAt) return <Badge tone="red">cancelled</Badge>;
  return <Badge tone={financialStatus === "paid" ? "green" : "amber"}>{(financialStatus ?? "unknown").replaceAll("_", " ")}</Badge>;
}
