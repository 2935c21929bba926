export * from "./auth";
export * from "./brands";
export * from "./shopify";
export * from "./webhooks";
export * from "./commerce";
export * from "./sync";
export * from "./mail";
export * from "./summaries";
