/** Only same-site paths are followed after sign-in, never another origin. */
export function safeNext(next: string | string[] | undefined, fallback = "/brands"): string {
  const value = Array.isArray(next) ? next[0] : next;
  return value && value.startsWith("/") && !value.startsWith("//") ? value : fallback;
}
