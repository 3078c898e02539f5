import type { Translations } from "../index";
import type en from "./en";

const ui: Translations<typeof en> = {
  charts: {
    fromPrevious: "（相对上一步）",
    overall: "访问转化为订单",
    sold: "已售 {{count}} 件",
  },
};

export default ui;
