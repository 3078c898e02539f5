import type { Translations } from "../index";
import type en from "./en";

const auth: Translations<typeof en> = {
  login: {
    title: "登录",
    metaTitle: "登录 · NetShop",
    reset: "您的密码已更改，所有设备均已退出登录。请用新密码登录。",
    email: "电子邮件",
    password: "密码",
    remember: "在此设备上记住我 30 天",
    submitting: "正在登录…",
    submit: "登录",
    forgot: "忘记密码？",
    newHere: "第一次使用 NetShop？",
    signup: "创建账户",
    errors: {
      emailRequired: "请输入您的电子邮件地址。",
      passwordRequired: "请输入您的密码。",
      invalid: "该电子邮件和密码与任何账户都不匹配。",
      tooManyAttempts: "登录尝试次数过多。请在 {{minutes}} 分钟后重试。",
      frozen: "店铺管理员已冻结您的账户。请让他们解除冻结。",
    },
  },
};

export default auth;
