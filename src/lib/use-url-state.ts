"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

/**
 * A page's filters kept in its URL's search params, so a reload, a shared link and the back button
 * (from an order to the list) come back to the same view. A value equal to its default is left out
 * of the URL; changes replace the history entry (typing a search does not fill the history).
 */
export function useUrlState<K extends string>(defaults: Record<K, string>): [Record<K, string>, (patch: Partial<Record<K, string>>) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const key = params.toString();
  const values = useMemo(() => {
    const current = new URLSearchParams(key);
    return Object.fromEntries(Object.entries<string>(defaults).map(([k, d]) => [k, current.get(k) ?? d])) as Record<K, string>;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- defaults are a constant of the page
  }, [key]);
  const set = useCallback(
    (patch: Partial<Record<K, string>>) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(patch) as [K, string | undefined][]) {
        if (v === undefined || v === "" || v === defaults[k]) next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- defaults are a constant of the page
    [router, pathname],
  );
  return [values, set];
}
