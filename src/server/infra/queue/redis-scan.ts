import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { JobFilter, JobRecord, JobState } from "./port";

/**
 * A brand's view of a shared BullMQ queue, computed inside Redis: Lua scripts walk a state's job
 * ids and keep those whose payload names the brand (`"brandId"` / `"brandIds"` hold uuids, so a
 * plain substring match on the uuid is exact), so the figures are exact and only the matching jobs
 * cross the network — never thousands of other tenants' jobs. BullMQ keeps the finished sets as
 * sorted sets scored by finish time, which is what paging and throughput read. Without a filter
 * (the whole instance) the scripts read sizes and scores only.
 */

/** Ids examined per state at most when counting; beyond it a count is a lower bound. */
export const COUNT_SCAN_LIMIT = 50_000;
/** Finished-set entries read per step while paging (the walk stops once a page is full). */
const PAGE_BATCH = 500;

const MATCHES = `
local function matches(prefix, needle, id)
  if needle == "" then return true end
  local data = redis.call("HGET", prefix .. id, "data")
  return data and string.find(data, needle, 1, true) ~= nil
end`;

/** Per key: { count, capped (0/1), newest matching score ("" when none or a list) }. */
const COUNT = `${MATCHES}
local prefix, needle, cap = ARGV[1], ARGV[2], tonumber(ARGV[3])
local out = {}
for i, key in ipairs(KEYS) do
  local list = ARGV[3 + i] == "list"
  local total = list and redis.call("LLEN", key) or redis.call("ZCARD", key)
  local n, newest = 0, ""
  if needle == "" then
    n = total
    if not list then
      local top = redis.call("ZREVRANGE", key, 0, 0, "WITHSCORES")
      if #top > 0 then newest = top[2] end
    end
  else
    local ids = list and redis.call("LRANGE", key, 0, cap - 1) or redis.call("ZREVRANGE", key, 0, cap - 1, "WITHSCORES")
    local step = list and 1 or 2
    for j = 1, #ids, step do
      if matches(prefix, needle, ids[j]) then
        n = n + 1
        if newest == "" and not list then newest = ids[j + 1] end
      end
    end
  end
  out[i] = { n, (needle ~= "" and total > cap) and 1 or 0, newest }
end
return out`;

/**
 * Finished jobs (a sorted set by finish time) of the brand, newest first, strictly before the
 * cursor (score, id), at most ARGV[5]; each as { id, score, the job hash's fields }. Walks the set
 * in batches and stops as soon as the page is full.
 */
const PAGE = `${MATCHES}
local prefix, needle = ARGV[1], ARGV[2]
local maxScore, beforeId, limit = ARGV[3], ARGV[4], tonumber(ARGV[5])
local batch = tonumber(ARGV[6])
local out, offset = {}, 0
while #out < limit do
  local entries = redis.call("ZREVRANGEBYSCORE", KEYS[1], maxScore, "-inf", "WITHSCORES", "LIMIT", offset, batch)
  if #entries == 0 then break end
  for i = 1, #entries, 2 do
    local id, score = entries[i], entries[i + 1]
    local before = beforeId == "" or tonumber(score) ~= tonumber(maxScore) or id < beforeId
    if before and matches(prefix, needle, id) then
      local fields = redis.call("HGETALL", prefix .. id)
      if #fields > 0 then
        out[#out + 1] = { id, score, fields }
        if #out >= limit then break end
      end
    end
  end
  offset = offset + batch
end
return out`;

/** Finish times (ms) of the brand's jobs in a finished set since ARGV[3]. */
const TIMES = `${MATCHES}
local prefix, needle, since = ARGV[1], ARGV[2], ARGV[3]
local out = {}
local entries = redis.call("ZRANGEBYSCORE", KEYS[1], since, "+inf", "WITHSCORES")
for i = 1, #entries, 2 do
  if matches(prefix, needle, entries[i]) then out[#out + 1] = entries[i + 1] end
end
return out`;

type ScanRedis = Redis & {
  brandbaseCount(numKeys: number, ...args: (string | number)[]): Promise<[number, number, string][]>;
  brandbasePage(key: string, ...args: (string | number)[]): Promise<[string, string, string[]][]>;
  brandbaseTimes(key: string, ...args: (string | number)[]): Promise<string[]>;
};

function scripted(redis: Redis): ScanRedis {
  const r = redis as ScanRedis;
  if (typeof r.brandbaseCount !== "function") {
    redis.defineCommand("brandbaseCount", { lua: COUNT });
    redis.defineCommand("brandbasePage", { numberOfKeys: 1, lua: PAGE });
    redis.defineCommand("brandbaseTimes", { numberOfKeys: 1, lua: TIMES });
  }
  return r;
}

/** The keys and kinds holding each state's job ids. */
function stateKeys(queue: Queue): Record<JobState, [key: string, kind: "list" | "zset"][]> {
  const k = queue.keys;
  return {
    waiting: [[k.wait!, "list"], [k.paused!, "list"], [k.prioritized!, "zset"]],
    active: [[k.active!, "list"]],
    delayed: [[k.delayed!, "zset"]],
    completed: [[k.completed!, "zset"]],
    failed: [[k.failed!, "zset"]],
  };
}

const needleOf = (filter?: JobFilter) => filter?.brandId ?? "";
const jobPrefix = (queue: Queue) => queue.toKey("");

/** Jobs per state (the brand's, or all), whether a state was too long to scan fully, and when the newest failure was. */
export async function countJobs(redis: Redis, queue: Queue, filter?: JobFilter): Promise<{ counts: Record<JobState, number>; capped: boolean; lastFailedAt: number | null }> {
  const byState = stateKeys(queue);
  const states = Object.keys(byState) as JobState[];
  const flat = states.flatMap((s) => byState[s].map(([key, kind]) => ({ state: s, key, kind })));
  const rows = await scripted(redis).brandbaseCount(flat.length, ...flat.map((f) => f.key), jobPrefix(queue), needleOf(filter), COUNT_SCAN_LIMIT, ...flat.map((f) => f.kind));
  const counts = Object.fromEntries(states.map((s) => [s, 0])) as Record<JobState, number>;
  let capped = false;
  let lastFailedAt: number | null = null;
  rows.forEach(([n, over, newest], i) => {
    const { state } = flat[i]!;
    counts[state] += Number(n);
    capped ||= Number(over) === 1;
    if (state === "failed" && newest !== "") lastFailedAt = Number(newest);
  });
  return { counts, capped, lastFailedAt };
}

/** A job hash as BullMQ stores it (field, value, field, value…) → what the port reports. */
function recordOf(queue: Queue, id: string, fields: string[]): JobRecord {
  const raw: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) raw[fields[i]!] = fields[i + 1]!;
  const int = (v: string | undefined) => (v ? Number.parseInt(v, 10) : undefined);
  return {
    id,
    queue: queue.name,
    name: raw.name ?? "",
    data: JSON.parse(raw.data || "{}"),
    attemptsMade: int(raw.attemptsMade ?? raw.atm) ?? 0,
    failedReason: raw.failedReason || undefined,
    stacktrace: raw.stacktrace ? (JSON.parse(raw.stacktrace) as string[]) : [],
    createdAt: int(raw.timestamp) ?? 0,
    processedAt: int(raw.processedOn),
    finishedAt: int(raw.finishedOn),
  };
}

/** Finished jobs, newest first, strictly before the cursor: one round trip, whole jobs. */
export async function pageFinished(
  redis: Redis,
  queue: Queue,
  state: "completed" | "failed",
  opts: { filter?: JobFilter; limit: number; before?: { at: number; id: string } },
): Promise<JobRecord[]> {
  const key = stateKeys(queue)[state][0]![0];
  const rows = await scripted(redis).brandbasePage(key, jobPrefix(queue), needleOf(opts.filter), opts.before ? String(opts.before.at) : "+inf", opts.before?.id ?? "", opts.limit, PAGE_BATCH);
  return rows.map(([id, , fields]) => recordOf(queue, id, fields));
}

/** Finish times of the brand's completed or failed jobs since `sinceMs`. */
export async function finishTimes(redis: Redis, queue: Queue, state: "completed" | "failed", opts: { filter?: JobFilter; sinceMs: number }): Promise<number[]> {
  const key = stateKeys(queue)[state][0]![0];
  const times = await scripted(redis).brandbaseTimes(key, jobPrefix(queue), needleOf(opts.filter), opts.sinceMs);
  return times.map(Number);
}
