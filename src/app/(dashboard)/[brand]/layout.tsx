import { forbidden } from "next/navigation";
import type { ReactNode } from "react";
import { requireUser } from "~/components/auth/require-user";
import { BrandShell } from "~/components/brands/brand-shell";
import { createDeps } from "~/server/deps";
import { isAppError } from "~/server/errors";
import { requireBrandRole } from "~/server/services/brands/access";

export const dynamic = "force-dynamic";

export default async function BrandLayout({ children, params }: { children: ReactNode; params: Promise<{ brand: string }> }) {
  const { brand } = await params;
  const user = await requireUser(`/${brand}`);
  // Not a member (or no such brand, which reads the same): our 403 page, before anything streams.
  try {
    await requireBrandRole({ db: createDeps().db }, { userId: user.id, brand, minRole: "analyst" });
  } catch (err) {
    if (isAppError(err) && err.code === "FORBIDDEN") forbidden();
    throw err;
  }
  return (
    <BrandShell brand={brand} user={{ email: user.email, name: user.name, isInstanceAdmin: user.isInstanceAdmin }}>
      {children}
    </BrandShell>
  );
}
