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
  },
};

export default auth;
