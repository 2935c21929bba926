"use client";

import { createContext, useContext } from "react";
import type { BrandRole } from "~/lib/roles";

export interface BrandContextValue {
  id: string;
  slug: string;
  name: string;
  role: BrandRole;
  user: { email: string; name: string; isInstanceAdmin: boolean };
}

export const BrandContext = createContext<BrandContextValue | null>(null);

/** The brand of the current page and the caller's role in it (set by the brand layout). */
export function useBrand(): BrandContextValue {
  const value = useContext(BrandContext);
  if (!value) throw new Error("useBrand must be used inside the brand layout");
  return value;
}
