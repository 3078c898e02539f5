/**
 * dependency-cruiser, second pass: areas of app/domain never import each other in a circle
 * (tests/unit/architecture.test.ts, docs/decisions/0005-flows-layer.md). Only app/domain is in the
 * graph, so a circle is made of areas importing areas, as the architecture test reads it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  extends: "./.dependency-cruiser.cjs",
  forbidden: [
    {
      name: "no-area-circles",
      severity: "error",
      scope: "folder",
      comment: "Areas are leaves towards each other: never in a circle. A flow (app/flows) puts them together.",
      from: { path: "^app/domain/[^/]+/?$" },
      to: { circular: true },
    },
  ],
  options: { includeOnly: "^app/domain/" },
};
