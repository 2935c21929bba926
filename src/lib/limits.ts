/** Calls one tRPC batch request may carry (the client batches up to this; the server refuses more with 400). */
export const TRPC_MAX_BATCH = 20;
