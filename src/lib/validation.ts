import { z } from "zod";

// Rules shared by the browser forms and the server, so both say the same thing.

export const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter an email address")
  .max(254, "Email address is too long")
  .pipe(z.email("Enter a valid email address, like name@example.com"))
  .transform((v) => v.toLowerCase());

export const passwordSchema = z
  .string()
  .min(10, "Password must be at least 10 characters")
  .max(128, "Password must be at most 128 characters")
  .refine((v) => /[a-zA-Z]/.test(v) && /[0-9\W_]/.test(v), "Password must mix letters with digits or symbols");

export const personNameSchema = z.string().trim().min(1, "Enter your name").max(80, "Name must be at most 80 characters");

export const brandNameSchema = z
  .string()
  .trim()
  .min(2, "Brand name must be at least 2 characters")
  .max(60, "Brand name must be at most 60 characters");

/** First message per field, for forms. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    out[key] ??= issue.message;
  }
  return out;
}
