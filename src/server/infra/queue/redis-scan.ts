import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { JobFilter, JobState } from "./port";

/**
 * A brand's view of a shared BullMQ queue, computed inside Redis: Lua scripts walk a state's job
 * ids and keep those whose payload names the brand (`"brandId"` / `"brandIds"` hold uuids, so a
 * plain substring match on the uuid is exact), so the figures are exact and only the matching ids
 * cross the network — never thousands of other tenants' jobs. BullMQ stores the finished sets as
 * sorted sets scored by the finish time, which is what paging and throughput read.
 */

/** Ids examined per state at most when counting; beyond it a count is a lower bound. */
export const COUNT_SCAN_LIMIT = 50_000;

const COUNT = `
local prefix, needle, cap = ARGV[1], ARGV[2], tonumber(ARGV[3])
local out = {}
for i, key in ipairs(KEYS) do
  local kind = ARGV[3 + i]
  local ids, total
  if kind == "list" then
    ids = redis.call("LRANGE", key, 0, cap - 1); total = redis.call("LLEN", key)
  else
    ids = redis.call("ZREVRANGE", key, 0, cap - 1); total = redis.call("ZCARD", key)
  end
  local n = 0
  if needle == "" then n = #ids else
    for _, id in ipairs(ids) do
      local data = redis.call("HGET", prefix .. id, "data")
      if data and string.find(data, needle, 1, true) then n = n + 1 end
    end
  end
  out[i] = { n, total > cap and 1 or 0 }
end
return out`;

/**
 * Finished jobs (a sorted set by finish time) of the brand, newest first, strictly before the
 * cursor (score, id): up to ARGV[5] ids with their scores.
 */
const PAGE = `
local prefix, needle = ARGV[1], ARGV[2]
local beforeScore, beforeId, limit = ARGV[3], ARGV[4], tonumber(ARGV[5])
local out = {}
local entries = redis.call("ZREVRANGEBYSCORE", KEYS[1], beforeScore, "-inf", "WITHSCORES")
for i = 1, #entries, 2 do
  local id, score = entries[i], entries[i + 1]
  if not (beforeId ~= "" and tonumber(score) == tonumber(beforeScore) and id >= beforeId) then
    local keep = needle == ""
    if not keep then
      local data = redis.call("HGET", prefix .. id, "data")
      keep = data and string.find(data, needle, 1, true)
    end
    if keep then
      out[#out + 1] = id; out[#out + 1] = score
      if #out >= limit * 2 then break end
    end
  end
end
return out`;

/** Finish times (ms) of the brand's jobs in a finished set since ARGV[3]. */
const TIMES = `
local prefix, needle, since = ARGV[1], ARGV[2], ARGV[3]
local out = {}
local entries = redis.call("ZRANGEBYSCORE", KEYS[1], since, "+inf", "WITHSCORES")
for i = 1, #entries, 2 do
  local keep = needle == ""
  if not keep then
    local data = redis.call("HGET", prefix .. entries[i], "data")
    keep = data and string.find(data, needle, 1, true)
  end
  if keep then out[#out + 1] = entries[i + 1] end
end
return out`;

type ScanRedis = Redis & {
  brandbaseCount(numKeys: number, ...args: (string | number)[]): Promise<[number, number][]>;
  brandbasePage(key: string, ...args: (string | number)[]): Promise<string[]>;
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

export async function countJobs(redis: Redis, queue: Queue, filter?: JobFilter): Promise<{ counts: Record<JobState, number>; capped: boolean }> {
  const byState = stateKeys(queue);
  const states = Object.keys(byState) as JobState[];
  const flat = states.flatMap((s) => byState[s].map(([key, kind]) => ({ state: s, key, kind })));
  const rows = await scripted(redis).brandbaseCount(flat.length, ...flat.map((f) => f.key), jobPrefix(queue), needleOf(filter), COUNT_SCAN_LIMIT, ...flat.map((f) => f.kind));
  const counts = Object.fromEntries(states.map((s) => [s, 0])) as Record<JobState, number>;
  let capped = false;
  rows.forEach(([n, over], i) => {
    counts[flat[i]!.state] += Number(n);
    capped ||= Number(over) === 1;
  });
  return { counts, capped };
}

/** Ids and finish times of finished jobs, newest first, strictly before the cursor. */
export async function pageFinishedIds(
  redis: Redis,
  queue: Queue,
  state: "completed" | "failed",
  opts: { filter?: JobFilter; limit: number; before?: { at: number; id: string } },
): Promise<{ id: string; at: number }[]> {
  const key = stateKeys(queue)[state][0]![0];
  const flat = await scripted(redis).brandbasePage(key, jobPrefix(queue), needleOf(opts.filter), opts.before ? String(opts.before.at) : "+inf", opts.before?.id ?? "", opts.limit);
  const out: { id: string; at: number }[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ id: flat[i]!, at: Number(flat[i + 1]) });
  return out;
}

/** Finish times of the brand's completed or failed jobs since `sinceMs`. */
export async function finishTimes(redis: Redis, queue: Queue, state: "completed" | "failed", opts: { filter?: JobFilter; sinceMs: number }): Promise<number[]> {
  const key = stateKeys(queue)[state][0]![0];
  const times = await scripted(redis).brandbaseTimes(key, jobPrefix(queue), needleOf(opts.filter), opts.sinceMs);
  return times.map(Number);
}
