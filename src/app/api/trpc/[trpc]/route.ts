import { handleTrpc } from "~/server/api/http-handler";

export const dynamic = "force-dynamic";

export { handleTrpc as GET, handleTrpc as POST };
