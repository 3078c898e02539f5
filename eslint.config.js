// ESLint (flat config): typescript-eslint's recommended rules plus one import order (an error;
// `npm run lint:fix` puts a file's imports in order). Layers and cycles are dependency-cruiser's job
// (.dependency-cruiser.cjs), unused files/exports/dependencies knip's (knip.json).
import js from "@eslint/js";
import simpleImportSort from "eslint-plugin-simple-import-sort";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "dist/", "public/build/", ".cache/", ".data/", ".test-data/", "node_modules/", "db/migrations/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "simple-import-sort": simpleImportSort },
    rules: {
      "simple-import-sort/imports": "error",
      "simple-import-sort/exports": "error",
      // `catch {}` is how this code says "an unreadable cursor/body is simply absent".
      "no-empty": ["error", { allowEmptyCatch: true }],
      // A leading underscore says "deliberately unused" (an argument Express needs, a rest-sibling omission).
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
          caughtErrors: "none",
        },
      ],
    },
  },
  // A Location built from a parameter or a field must be made fit for a header (issue 15).
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/lib/redirect.server.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@remix-run/node",
              importNames: ["redirect", "redirectDocument", "replace"],
              message: "Use redirect from ~/lib/redirect.server: it percent-encodes what a Location header cannot carry.",
            },
          ],
        },
      ],
    },
  },
  // Remix's own ambient declarations are triple-slash references.
  { files: ["**/*.d.ts"], rules: { "@typescript-eslint/triple-slash-reference": "off" } },
);
