import type { Translations } from "../index";

const notices: Translations["notices"] = {
  invite: {
    text: "{{inviter}} 邀请您以{{role}}身份协助经营 NetShop 上的 {{shop}}。请在此接受邀请（链接仅可使用一次，7 天内有效）：{{link}}",
    subject: "{{inviter}} 邀请您加入 NetShop 上的 {{shop}}",
    admin: "管理员",
    staff: "员工",
    link: "[邀请链接]",
  },
  welcome: "{{name}}，您好！欢迎使用 NetShop！您的账户已就绪。下一步：创建您的店铺并添加第一批商品。如需帮助，随时回复此对话。",
  codes: {
    sign_in: "您的 NetShop 登录验证码是 {{code}}，5 分钟内有效。切勿告诉他人：NetShop 绝不会向您索取。",
    password_reset: "您的 NetShop 重设密码验证码是 {{code}}，30 分钟内有效。如果您没有申请重设密码，请忽略此消息。",
    contact_change: "您用于确认此 WhatsApp 号码的 NetShop 验证码是 {{code}}，15 分钟内有效。如果不是您本人申请，请忽略此消息。",
  },
  dropship: {
    prefix: "NetShop 代发货：{{message}}",
    held: "订单 #{{number}}：您的代发货钱包余额不足，无法支付供应商 {{amount}}。供应商订单已暂停：请充值，或自行向供应商付款后标记为已付款。",
    marginLow: "{{product}}（{{variant}}）：供应商成本现为 {{cost}}；您的利润率为 {{margin}}%（低于您设定的 {{threshold}}%）。",
    rejected: "订单 #{{number}}：供应商无法发出 {{items}}（{{reason}}）。请在订单页面为这些商品行向顾客退款。",
    rejectedOne: "订单 #{{number}}：供应商无法发出 {{items}}（{{reason}}）。请在订单页面为该商品行向顾客退款。",
    outOfStock: "缺货",
    newOrder: "NetShop：新订单 {{reference}}（共 {{count}} 件）。请打开供应商门户接受并发货。",
    recipientCorrected: "NetShop：买家已更正订单 {{reference}} 的收件人信息。发货前请在供应商门户中核对姓名、电话和地址。",
    cancelled: "NetShop：订单 {{reference}} 已被店铺取消。请勿发货。",
    approved: "NetShop：{{name}} 已通过审核。您已发布的商品现已进入代发货网络。",
    suspended: "NetShop：{{name}} 已被暂停参与代发货网络。请联系 NetShop 团队。",
  },
};

export default notices;
