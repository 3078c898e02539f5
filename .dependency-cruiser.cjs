/**
 * dependency-cruiser: the layer rules of docs/DEVELOPING.md and docs/decisions/0005-flows-layer.md,
 * checked by `npm run lint` (tests/unit/architecture.test.ts checks the same from the test side).
 *
 *   routes, workers  ->  app/flows  ->  app/domain/<area>  ->  db/, app/integrations/
 *
 * "No area in a circle" is in .dependency-cruiser-areas.cjs: it looks at app/domain alone, so that
 * a path through a shared helper (app/lib) is not taken for one area importing another.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycles, of any length, anywhere (type-only imports included: they knot the design all the same).",
      from: {},
      to: { circular: true },
    },
    {
      name: "routes-not-to-db-or-integrations",
      severity: "error",
      comment: "Routes are thin: they call the domain or a flow, never db/, app/integrations, drizzle or postgres.",
      from: { path: "^app/routes/" },
      to: { path: ["^db/", "^app/integrations/", "^node_modules/(postgres|drizzle-orm)/"] },
    },
    {
      name: "domain-not-to-flows-routes-workers",
      severity: "error",
      comment: "Domain code is below the flows: it never imports app/flows, routes or workers.",
      from: { path: "^app/domain/" },
      to: { path: ["^app/flows/", "^app/routes/", "^workers/"] },
    },
    {
      name: "domain-not-to-react",
      severity: "error",
      comment: "Domain code never imports React (or Remix's React side).",
      from: { path: "^app/domain/" },
      to: { path: "^node_modules/(react|react-dom|@remix-run/react)/" },
    },
    {
      name: "flows-below-routes-and-workers",
      severity: "error",
      comment: "Flows are called by routes and workers, never the other way round, and never render.",
      from: { path: "^app/flows/" },
      to: { path: ["^app/routes/", "^workers/", "^node_modules/(react|react-dom|@remix-run/react)/"] },
    },
    {
      name: "lower-layers-not-to-upper",
      severity: "error",
      comment:
        "db/ and app/integrations are the bottom: they import neither domain, flows, routes nor workers (the seed scripts use the domain, like any script).",
      from: { path: ["^db/", "^app/integrations/"], pathNot: "^db/seed[^/]*\\.ts$" },
      to: { path: ["^app/domain/", "^app/flows/", "^app/routes/", "^workers/"] },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that resolves to nothing.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^build/", "^public/build/", "^\\.cache/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
