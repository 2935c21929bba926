"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { describeError, useTRPC } from "~/lib/trpc";
import type { QueueName } from "~/server/jobs/contracts";

/** Sends a diagnostic job through a queue so an operator can watch it flow. */
export function ProbeForm({ queueNames }: { queueNames: readonly QueueName[] }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const probe = useMutation(trpc.queues.probe.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    probe.mutate({
      brand: brand.slug,
      queue: form.get("queue") as QueueName,
      durationMs: Math.round(Number(form.get("seconds") ?? 0) * 1000),
      fail: form.get("fail") === "on",
    });
  }

  return (
    <Card>
      <CardHeader title="Send a test job" description="Watch it move from waiting to active to completed." />
      <CardBody>
        <form onSubmit={onSubmit} className="space-y-3" noValidate>
          <SelectField label="Queue" name="queue" defaultValue="sync" options={queueNames.map((q) => ({ value: q, label: q }))} />
          <TextField label="Work for (seconds)" name="seconds" type="number" min={0} max={60} step={0.5} defaultValue={2} />
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" name="fail" className="size-4 rounded border-slate-300 text-indigo-600" />
            Make it fail
          </label>
          <Button type="submit" loading={probe.isPending}>
            Send test job
          </Button>
          {probe.error ? <Alert tone="error">{describeError(probe.error).message}</Alert> : null}
          {probe.data ? (
            <Alert tone="success">
              Sent job <code className="font-mono text-xs">{probe.data.jobId}</code>.
            </Alert>
          ) : null}
        </form>
      </CardBody>
    </Card>
  );
}
