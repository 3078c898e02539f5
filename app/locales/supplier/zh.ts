import type { Translations } from "../index";
import type en from "./en";

const supplier: Translations<typeof en> = {
  orders: {
    meta: "供应商订单 · NetShop",
    topUpHint: "通过银行转账向 NetShop 充值，并以您的店铺地址作为备注；平台团队会在此记录。",
    status: "状态",
    payment: "付款",
    openOrder: "打开订单",
  },
  walletKinds: { topup: "充值", charge: "扣款", refund: "退款" },
  orderStatuses: { held: "暂扣", open: "待处理", accepted: "已接单", shipped: "已发货", rejected: "已拒绝", cancelled: "已取消" },
  payments: { unpaid: "未付款", wallet: "钱包", manual: "手动" },
  signup: {
    intro: "商品只需上架一次；NetShop 商家负责销售，您直接发货给他们的顾客。新供应商由平台团队审核。",
    signedInAs: "已登录为 {{name}}。",
    account: "您的账户",
    name: "您的姓名",
    email: "电子邮件",
    phone: "您的 WhatsApp 号码（用于登录验证码）",
    password: "密码",
    passwordHint: "至少 12 个字符。",
    adult: "我已年满 18 岁",
    terms: "我接受服务条款和隐私政策",
    business: "您的供应商业务",
    tradingName: "商号",
    contact: "联系人",
    whatsapp: "接收订单的 WhatsApp",
    city: "仓库所在城镇",
    state: "仓库所在州属",
    regions: "配送地区",
    handling: "处理时间（发货前的工作日数）",
    submit: "申请成为供应商",
  },
  regions: { peninsular: "马来西亚半岛", east: "东马来西亚", singapore: "新加坡" },
  portal: {
    published: "{{count}} 件已发布",
    toShip: "待发货",
    reference: "参考编号",
    date: "日期",
    status: "状态",
    orderNotFound: "找不到此订单",
  },
};

export default supplier;
