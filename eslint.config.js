// ESLint (flat config): typescript-eslint's recommended rules plus one import order.
// The import order is a warning until the lead has run `npm run lint:fix` once over the whole
// tree after the parallel branches have merged (a whole-tree autofix now would conflict with all
// of them); then it becomes an error. Layers and cycles are dependency-cruiser's job
// (.dependency-cruiser.cjs), unused files/exports/dependencies knip's (knip.json).
import js from "@eslint/js";
import simpleImportSort from "eslint-plugin-simple-import-sort";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "public/build/", ".cache/", ".data/", ".test-data/", "node_modules/", "db/migrations/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "simple-import-sort": simpleImportSort },
    rules: {
      "simple-import-sort/imports": "warn",
      "simple-import-sort/exports": "warn",
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
  // Remix's own ambient declarations are triple-slash references.
  { files: ["**/*.d.ts"], rules: { "@typescript-eslint/triple-slash-reference": "off" } },
);
