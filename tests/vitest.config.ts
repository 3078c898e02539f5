import path from "node:path";

import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");

// Run through `npm test` (scripts/test.ts), which starts the services these tests use.
export default defineConfig({
  root,
  resolve: {
    alias: [
      { find: /^~db\/(.*)$/, replacement: path.join(root, "db/$1") },
      { find: /^~\/(.*)$/, replacement: path.join(root, "app/$1") },
    ],
  },
  test: {
    pool: "forks",
    // Most test time is waiting on PostgreSQL, Redis and HTTP: three files at once on 2 cores.
    maxWorkers: 3,
    // expect.poll waits for a condition; its deadline only guards a hang, so it is generous enough for
    // a machine whose load is far above its cores (the default 1 s failed journeys under load).
    expect: { poll: { timeout: 110_000 } },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: { name: "integration", include: ["tests/integration/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 600_000 },
      },
      {
        extends: true,
        // One browser journey at a time against the one app under test.
        test: { name: "e2e", include: ["tests/e2e/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false },
      },
    ],
  },
});
