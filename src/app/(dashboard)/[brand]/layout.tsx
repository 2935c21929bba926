import type { ReactNode } from "react";
import { requireUser } from "~/components/auth/require-user";
import { BrandShell } from "~/components/brands/brand-shell";

export const dynamic = "force-dynamic";

export default async function BrandLayout({ children, params }: { children: ReactNode; params: Promise<{ brand: string }> }) {
  const { brand } = await params;
  const user = await requireUser(`/${brand}`);
  return (
    <BrandShell brand={brand} user={{ email: user.email, name: user.name, isInstanceAdmin: user.isInstanceAdmin }}>
      {children}
    </BrandShell>
  );
}
