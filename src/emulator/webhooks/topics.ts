/** GraphQL enum ↔ REST topic: ORDERS_CREATE ↔ orders/create, BULK_OPERATIONS_FINISH ↔ bulk_operations/finish. */
const SPECIAL: Record<string, string> = {
  APP_UNINSTALLED: "app/uninstalled",
  BULK_OPERATIONS_FINISH: "bulk_operations/finish",
};

export function topicFromEnum(value: string): string {
  if (SPECIAL[value]) return SPECIAL[value];
  const [resource, ...action] = value.toLowerCase().split("_");
  return `${resource}/${action.join("_")}`;
}

export function enumFromTopic(topic: string): string {
  return topic.toUpperCase().replace("/", "_");
}

/** Topics Shopify sends to the app's compliance URL rather than to subscriptions. */
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];
