import { TextField } from "~/components/ui/field";

/** The password a person chooses (sign-up, reset), with the rule the server holds it to. */
export function NewPasswordField({ label = "Password", error }: { label?: string; error?: string }) {
  return (
    <TextField label={label} name="password" type="password" autoComplete="new-password" error={error} hint="At least 10 characters, mixing letters with digits or symbols" required />
  );
}
