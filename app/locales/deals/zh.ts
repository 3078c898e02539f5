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
  editor: {
    meta: "限时抢购 · NetShop",
    back: "优惠活动",
    newTitle: "新建限时抢购",
    end: "立即结束抢购",
    sold: "已按抢购价售出 {{count}} 件。",
    name: "名称",
    namePlaceholder: "12.12 限时抢购",
    starts: "开始时间（{{zone}}）",
    ends: "结束时间（{{zone}}）",
    totalCap: "抢购价总件数（可选）",
    totalCapHint: "留空：不限。",
    perCustomer: "每位顾客限购件数（可选）",
    perCustomerHint: "按顾客账户、电子邮件或电话号码计算。",
    prices: "抢购价",
    pricesHint: "为参与抢购的每个款式填写抢购价；其他款式留空。",
    variant: "款式",
    sku: "SKU",
    price: "价格",
    salePrice: "抢购价",
    save: "保存抢购",
  },
};

export default deals;
