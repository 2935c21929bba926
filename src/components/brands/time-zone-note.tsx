/** Says which time zone the page's days and times are in, and why when the brand's stores disagree. */
export function TimeZoneNote({ timeZone, source, mainStore }: { timeZone: string; source: "store" | "main-store" | "fallback"; mainStore?: string | null }) {
  return (
    <p className="text-sm text-slate-600" data-testid="time-zone">
      Times in <span className="font-medium text-slate-800">{timeZone}</span>
      {source === "main-store" && mainStore ? <> — the time zone of {mainStore}, the main store (your stores are in different time zones)</> : null}
      {source === "fallback" ? <> — your stores have not told us their time zone yet (reconnect a store to read it)</> : null}
    </p>
  );
}
