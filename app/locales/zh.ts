import type { Translations } from "./index";
import ai from "./ai/zh";

/** 简体中文. */
const zh: Translations = {
  common: {
    language: "语言",
    change: "更改",
    languageSwitcher: { label: "语言", submit: "切换语言" },
    error: {
      eyebrow: "错误 {{status}}",
      notFound: "页面未找到",
      forbidden: "无权访问",
      generic: "出了点问题",
      notFoundDetail: "您请求的页面不存在或已移动。",
      genericDetail: "我们无法完成此请求，请稍后再试。",
      home: "前往 NetShop 首页",
    },
  },
  admin: {
    nav: {
      label: "管理后台",
      dashboard: "概览",
      products: "商品",
      orders: "订单",
      customers: "顾客",
      dropshipping: "代发货",
      aiStudio: "AI 工作室",
      reports: "报表",
      settings: "设置",
      billing: "账单",
      staff: "员工",
      auditLog: "审计日志",
    },
    soon: "即将推出",
    comingSoon: "即将推出",
    shop: "店铺",
    switchShop: "切换",
    addShop: "+ 添加另一家店铺",
    logOut: "退出登录",
    sandboxBanner: "沙盒：未配置 {{providers}} 密钥 — 这些调用会发送到 NetShop 的服务商沙盒，而不是真实的顾客或服务商。",
    error: {
      notFound: "未找到",
      notFoundDetail: "此页面不存在或已移动。",
      back: "返回概览",
    },
  },
  storefront: {
    poweredBy: "技术支持",
    skipToContent: "跳到内容",
    home: "首页",
    search: "搜索",
    searchPlaceholder: "搜索商品",
    account: "账户",
    wishlist: "收藏夹",
    cart: "购物车",
    empty: { title: "暂无商品", body: "这家店铺正在准备中，请稍后再来。" },
    fromPrice: "{{price}} 起",
    shopNotFound: {
      eyebrow: "错误 404",
      title: "未找到店铺",
      body: "此地址没有店铺，请检查您打开的链接。",
    },
    unavailable: { eyebrow: "错误", title: "此店铺暂时无法访问", body: "请稍后再试。" },
    goToNetShop: "前往 NetShop",
  },
  ai,
};

export default zh;
