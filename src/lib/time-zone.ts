/** Whether `zone` is an IANA time zone name (America/New_York) the runtime knows — and so one Postgres' `AT TIME ZONE` takes. */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
