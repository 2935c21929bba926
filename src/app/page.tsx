import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getSessionUser } from "~/server/auth";

export const dynamic = "force-dynamic";

export default async function Home() {
  const user = await getSessionUser(await headers());
  redirect(user ? "/brands" : "/sign-in");
}
