import { preferRedis, type RedisLink } from "../failover";
import { JOB_STATES, type JobRecord, type QueueCounts, type QueuePort, type WorkerHandle } from "./port";

const newestFirst = (a: JobRecord, b: JobRecord) => (b.finishedAt ?? b.createdAt) - (a.finishedAt ?? a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * BullMQ on Redis first, pg-boss on Postgres behind it. A job goes to Redis while Redis is up and
 * to Postgres while it is not (or when the add fails because Redis just went away); every worker
 * process works both, so whatever either holds is done — on Postgres while Redis is away, and on
 * Redis again as soon as it is back, with no restart. Schedules live in Postgres only, where an
 * outage cannot take them. Pauses are kept in Postgres and put back on Redis when it returns
 * (a Redis restarted empty forgets them). The figures the queue-health page shows add both up.
 */
export function createFailoverQueue(link: RedisLink, redis: QueuePort, postgres: QueuePort, onError?: (err: unknown) => void): QueuePort {
  const seen = new Set<string>();
  const off = link.onChange((up) => {
    if (!up) return;
    for (const queue of seen) {
      void postgres
        .isPaused(queue)
        .then((paused) => (paused ? redis.pause(queue) : undefined))
        .catch(onError);
    }
  });
  const onRedis = <T>(call: () => Promise<T>, otherwise: T) => (link.up() ? call().catch(() => otherwise) : Promise.resolve(otherwise));

  return {
    get backend() {
      return link.up() ? redis.backend : postgres.backend;
    },
    add(queue, name, data, opts) {
      seen.add(queue);
      return preferRedis(link, () => redis.add(queue, name, data, opts), () => postgres.add(queue, name, data, opts));
    },
    addBulk(queue, jobs) {
      seen.add(queue);
      return preferRedis(link, () => redis.addBulk(queue, jobs), () => postgres.addBulk(queue, jobs));
    },
    work(queue, processor, opts) {
      seen.add(queue);
      const handles: WorkerHandle[] = [redis.work(queue, processor, opts), postgres.work(queue, processor, opts)];
      return { close: async () => void (await Promise.all(handles.map((h) => h.close()))) };
    },
    async counts(queue, filter) {
      const zero = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, capped: false, lastFailedAt: null };
      const [r, p] = await Promise.all([onRedis(() => redis.counts(queue, filter), zero), postgres.counts(queue, filter)]);
      const sum = Object.fromEntries(JOB_STATES.map((k) => [k, r[k] + p[k]])) as QueueCounts;
      const last = Math.max(r.lastFailedAt ?? 0, p.lastFailedAt ?? 0);
      return { ...sum, capped: Boolean(r.capped || p.capped), lastFailedAt: last || null };
    },
    async isPaused(queue) {
      return postgres.isPaused(queue);
    },
    async listJobs(queue, state, start, end) {
      const [r, p] = await Promise.all([onRedis(() => redis.listJobs(queue, state, 0, end), []), postgres.listJobs(queue, state, 0, end)]);
      return [...r, ...p].sort(newestFirst).slice(start, end + 1);
    },
    async getJob(queue, id) {
      return (await onRedis(() => redis.getJob(queue, id), null)) ?? postgres.getJob(queue, id);
    },
    async pageFinished(queue, state, opts) {
      const [r, p] = await Promise.all([onRedis(() => redis.pageFinished(queue, state, opts), []), postgres.pageFinished(queue, state, opts)]);
      return [...r, ...p].sort(newestFirst).slice(0, opts.limit);
    },
    async retry(queue, id) {
      if (await onRedis(() => redis.getJob(queue, id), null)) return redis.retry(queue, id);
      return postgres.retry(queue, id);
    },
    async remove(queue, id) {
      await Promise.all([onRedis(() => redis.remove(queue, id), undefined), postgres.remove(queue, id)]);
    },
    async pause(queue) {
      seen.add(queue);
      await postgres.pause(queue);
      await onRedis(() => redis.pause(queue), undefined);
    },
    async resume(queue) {
      await postgres.resume(queue);
      await onRedis(() => redis.resume(queue), undefined);
    },
    async throughput(queue, minutes, filter) {
      const none = { completed: new Array<number>(minutes).fill(0), failed: new Array<number>(minutes).fill(0) };
      const [r, p] = await Promise.all([onRedis(() => redis.throughput(queue, minutes, filter), none), postgres.throughput(queue, minutes, filter)]);
      return { completed: p.completed.map((n, i) => n + (r.completed[i] ?? 0)), failed: p.failed.map((n, i) => n + (r.failed[i] ?? 0)) };
    },
    async schedule(queue, id, job) {
      await postgres.schedule(queue, id, job);
      // A scheduler an earlier release kept in Redis would fire the job a second time.
      await onRedis(() => redis.unschedule(queue, id), undefined);
    },
    unschedule: (queue, id) => postgres.unschedule(queue, id),
    schedules: (queue) => postgres.schedules(queue),
    async close() {
      off();
      await Promise.all([redis.close(), postgres.close()]);
    },
  };
}
