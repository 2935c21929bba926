/** Set by src/proxy.ts on page requests: the page's path and query, for sending a signed-out visitor to sign in and back. */
export const REQUEST_PATH_HEADER = "x-brandbase-path";
