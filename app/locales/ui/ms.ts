import type { Translations } from "../index";
import type en from "./en";

const ui: Translations<typeof en> = {
  charts: {
    fromPrevious: "daripada langkah sebelumnya",
    overall: "Lawatan yang menjadi pesanan",
    sold: "{{count}} terjual",
  },
};

export default ui;
