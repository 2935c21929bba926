"use client";

import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";

type Announce = (message: string) => void;

const AnnounceContext = createContext<Announce>(() => {});

/**
 * One polite live region for the whole app (in the root layout): what `useAnnounce()` is given is
 * read out by screen readers without moving focus — "50 orders shown", a filter's result.
 */
export function LiveAnnouncer({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const announce = useCallback<Announce>((text) => {
    // Emptied first, so the same words said twice are read twice.
    setMessage("");
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setMessage(text), 100);
  }, []);
  const value = useMemo(() => announce, [announce]);
  return (
    <AnnounceContext.Provider value={value}>
      {children}
      <div role="status" aria-live="polite" aria-atomic="true" className="sr-only" data-testid="live-announcer">
        {message}
      </div>
    </AnnounceContext.Provider>
  );
}

/** Says `message` in the app's polite live region. */
export function useAnnounce(): Announce {
  return useContext(AnnounceContext);
}
