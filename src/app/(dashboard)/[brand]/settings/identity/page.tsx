import type { Metadata } from "next";
import { IdentitySettingsView } from "~/components/identity/identity-settings-view";

export const metadata: Metadata = { title: "Identity rules" };

export default function IdentitySettingsPage() {
  return <IdentitySettingsView />;
}
