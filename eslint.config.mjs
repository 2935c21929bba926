// ESLint: Next's rules (React, hooks, a11y, core web vitals), typescript-eslint, and the
// architecture's import boundaries (DESIGN.md, "Layout") through eslint-plugin-boundaries.
// `npm run lint`; a tier of `npm test`; src/architecture.test.ts proves each boundary rule reports.
import js from "@eslint/js";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import { createRequire } from "node:module";
import path from "node:path";
import boundaries from "eslint-plugin-boundaries";

const root = import.meta.dirname;
// Resolves `~/…` (tsconfig paths) and packages the way TypeScript does; by absolute path, so
// eslint-module-utils finds it whichever file is being linted.
const resolverTypescript = createRequire(import.meta.url).resolve("eslint-import-resolver-typescript");

// The parts of the codebase, by folder (first match wins, so narrower folders come first).
const elements = [
  { type: "services", pattern: "src/server/services" },
  { type: "api", pattern: "src/server/api" },
  { type: "infra", pattern: "src/server/infra" },
  { type: "server", pattern: "src/server" },
  { type: "app", pattern: "src/app" },
  { type: "components", pattern: "src/components" },
  { type: "lib", pattern: "src/lib" },
  { type: "workers", pattern: "src/workers" },
  { type: "emulator", pattern: "src/emulator" },
  { type: "src", pattern: "src" }, // top-level files such as instrumentation.ts
  { type: "tests", pattern: "tests" },
  { type: "e2e", pattern: "e2e" },
  { type: "bench", pattern: "bench" },
  { type: "scripts", pattern: "scripts" },
].map((element) => ({ ...element, partialMatch: false }));

const SRC = ["services", "api", "infra", "server", "app", "components", "lib", "workers", "emulator", "src"];
const SERVER = ["services", "api", "infra", "server"];

// A module that starts with "use client" is bundled for the browser, wherever it lives, so its
// imports are told apart from a server module's: the same `import` is reported as `client-import`
// there. This replaces the plugin's default dependency nodes one for one.
const clientModule = "Program:has(> ExpressionStatement[directive='use client'])";
const serverModule = `Program:not(${clientModule.slice("Program".length)})`;
const dependencyNodes = [
  { name: "import", kind: "value", selector: "ImportDeclaration:not([importKind=type]) > Literal" },
  { name: "import", kind: "type", selector: "ImportDeclaration[importKind=type] > Literal" },
  { name: "export", kind: "value", selector: "ExportAllDeclaration:not([exportKind=type]) > Literal" },
  { name: "export", kind: "type", selector: "ExportAllDeclaration[exportKind=type] > Literal" },
  { name: "export", kind: "value", selector: "ExportNamedDeclaration:not([exportKind=type]) > Literal" },
  { name: "export", kind: "type", selector: "ExportNamedDeclaration[exportKind=type] > Literal" },
  { name: "dynamic-import", kind: "value", selector: "ImportExpression > Literal" },
  { name: "require", kind: "value", selector: "CallExpression[callee.name=require] > Literal" },
].flatMap(({ name, kind, selector }) => [
  { name: `client-${name}`, kind, selector: `${clientModule} ${selector}` },
  { name, kind, selector: `${serverModule} ${selector}` },
]);

const to = (types) => ({ to: { element: { types } } });
const toPackage = (source, internalPath) => ({ to: { module: { origin: "external", source, ...(internalPath && { internalPath }) } } });
const toServerOnlyPackages = [toPackage("server-only"), toPackage("next", ["headers", "headers.js"])];

/** The import rules. Anything not disallowed here is allowed. */
const policies = [
  {
    from: { element: { types: SRC.filter((t) => t !== "workers" && t !== "emulator") } },
    disallow: to(["workers", "emulator"]),
    message:
      "The web app and src/server never import src/workers or src/emulator: work reaches workers through queues, and the emulator is reached over HTTP like Shopify.",
  },
  {
    from: { element: { type: "workers" } },
    disallow: to(["app", "components"]),
    message: "src/workers never imports src/app or src/components: shared logic belongs in src/server/services.",
  },
  {
    from: { element: { type: "emulator" } },
    disallow: to(SRC.filter((t) => t !== "emulator")),
    message: "src/emulator stands in for Shopify and imports nothing of ours: it is reached over HTTP only.",
  },
  {
    from: { element: { type: "services" } },
    disallow: [to(["api"]), toPackage(["next", "@trpc/*"])],
    message:
      "Services are framework-free (verbNoun(deps, input), throwing AppError): no next/*, no tRPC, nothing from src/server/api.",
  },
  {
    from: { element: { types: SRC.filter((t) => t !== "infra") } },
    disallow: toPackage(["ioredis", "bullmq", "pg-boss", "pg", "rate-limiter-flexible"]),
    message: "Only src/server/infra imports ioredis, bullmq, pg-boss, pg or rate-limiter-flexible: everything else uses the infra ports.",
  },
  {
    from: { element: { type: "lib" } },
    disallow: [
      { ...to(SERVER), dependency: { kind: "value" } },
      ...toServerOnlyPackages,
      { to: { module: { origin: "core" } } },
    ],
    message: "src/lib is shared with the browser: only types from src/server, no server-only or Node modules.",
  },
  {
    from: { element: { types: SRC } },
    dependency: { nodeKind: "client-*", kind: "value" },
    disallow: [to(SERVER), ...toServerOnlyPackages],
    message:
      'A "use client" module is bundled for the browser: it may import only types from src/server (`import type`); call the server through tRPC.',
  },
  {
    from: { element: { types: SRC } },
    disallow: to(["tests", "e2e", "bench", "scripts"]),
    message: "Nothing in src imports tests, e2e, bench or scripts.",
  },
];

// Next's React, hooks (React Compiler), a11y and Next rules only where React code lives: run over
// the emulator, workers and tests they find nothing and cost most of the lint's time.
const UI_FILES = ["src/app/**/*.{ts,tsx}", "src/components/**/*.{ts,tsx}", "src/lib/**/*.{ts,tsx}"];
const nextForUi = nextVitals.map((config) => (config.name === "next" || config.plugins?.["@next/next"] ? { ...config, files: UI_FILES } : config));

const config = [
  {
    ignores: [".next/**", ".data/**", "node_modules/**", "test-results/**", "playwright-report/**", "blob-report/**", "drizzle/**", "public/**", "next-env.d.ts"],
  },
  js.configs.recommended,
  ...nextForUi,
  ...nextTypescript,
  {
    name: "brandbase/rules",
    rules: {
      // Code built from strings runs only where a comment says why it is safe.
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Plain JavaScript run by Node (test setup loaded with --import, configs): Node's globals.
    name: "brandbase/node-js",
    files: ["**/*.{js,mjs,cjs}"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly" },
    },
  },
  {
    // Only src is bound by these rules (tests, bench and scripts may import what they need), but
    // every folder is an element so that src importing tests/bench/scripts is caught.
    name: "brandbase/boundaries",
    files: ["src/**/*.{ts,tsx}"],
    plugins: { boundaries },
    settings: {
      "import/resolver": { [resolverTypescript]: { alwaysTryTypes: true, project: path.join(root, "tsconfig.json") } },
      "boundaries/root-path": root,
      "boundaries/elements": elements,
      "boundaries/dependency-nodes": [],
      "boundaries/additional-dependency-nodes": dependencyNodes,
    },
    rules: {
      "boundaries/dependencies": ["error", { default: "allow", checkAllOrigins: true, policies }],
    },
  },
];

export default config;
