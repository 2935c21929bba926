/**
 * How `npm start` runs demo mode's Shopify emulator (`src/emulator/cli.ts` under tsx): the app's
 * client secret travels in the child's environment, never in its arguments, which every local
 * user can read (`ps`, /proc/<pid>/cmdline). Shared with the test that checks exactly that.
 */
export interface DemoEmulator {
  port: string;
  orders: string;
  /** Objects per second a bulk export goes at. */
  bulkSpeed: string;
  clientId: string;
  clientSecret: string;
  appUrl: string;
}

export function demoEmulatorCommand(o: DemoEmulator, env: NodeJS.ProcessEnv): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  return {
    command: "tsx",
    args: [
      "src/emulator/cli.ts", "--port", o.port, "--shop", "demo-brand", "--orders", o.orders, "--seed", "42",
      // Shopify takes a while to export; a demo paced like it shows the history sync's progress.
      "--bulk-speed", o.bulkSpeed,
      `--client-id=${o.clientId}`, `--redirect=${o.appUrl}/api/shopify/callback`, `--compliance-url=${o.appUrl}/api/webhooks/shopify`,
    ],
    env: { ...env, SHOPIFY_API_SECRET: o.clientSecret },
  };
}
