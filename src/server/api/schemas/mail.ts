import { z } from "zod";

export const listMailInput = z.object({
  limit: z.number().int().min(1).max(100).default(25),
  cursor: z.object({ createdAt: z.date(), id: z.uuid() }).nullish(),
});

export const mailIdInput = z.object({ id: z.uuid({ error: "id must be a message id" }) });
