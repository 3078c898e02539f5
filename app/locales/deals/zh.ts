import type { Translations } from "../index";
import type en from "./en";

const deals: Translations<typeof en> = {
  meta: "促销 · NetShop",
  products: "商品",
  heading: "限时抢购与促销",
  newSale: "新建促销",
  intro:
    "促销让所选款式在两个时间点之间（{{zone}}）以更低价格出售，可选设置总件数和每位顾客的限购数量。网店会显示促销价和倒计时；结账时两项限制都会执行。",
  none: "还没有促销。",
  sale: "促销",
  state: "状态",
  starts: "开始",
  ends: "结束",
  variants: "款式",
  soldCap: "已售 / 上限",
  perCustomer: "每位顾客",
  noCap: "无上限",
  noLimit: "不限",
  states: { running: "进行中", scheduled: "已排期", ended: "已结束" },
};

export default deals;
