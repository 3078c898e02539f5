/** Charts, storefront themes, live progress and the onboarding checklist (namespace "ui"). */
const ui = {
  charts: {
    fromPrevious: "from the step before",
    overall: "Visits that became orders",
    sold: "{{count}} sold",
  },
} as const;

export default ui;
