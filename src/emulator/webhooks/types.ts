export interface WebhookSubscription {
  id: number;
  topic: string;
  uri: string;
  format: "JSON";
  includeFields: string[];
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryAttempt {
  at: number;
  status: number | null;
  error?: string;
  durationMs: number;
}

export interface DeliveryRecord {
  webhookId: string;
  eventId: string;
  subscriptionId: number;
  clientId: string;
  topic: string;
  uri: string;
  triggeredAt: string;
  state: "pending" | "delivered" | "failed" | "dropped";
  duplicateOf?: string;
  attempts: DeliveryAttempt[];
}
