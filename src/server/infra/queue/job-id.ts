/** Caller-chosen job ids are deterministic keys (a second add is a no-op); BullMQ reserves ':'. */
export function assertJobId(id: string | undefined): void {
  if (id !== undefined && (id.includes(":") || id.length === 0 || id.length > 256)) {
    throw new Error(`Invalid job id "${id}": 1–256 characters, no ':'`);
  }
}
