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
  verify: {
    title: "确认是您本人",
    metaTitle: "确认是您本人 · NetShop",
    recoveryIntro: "请输入您在设置双重验证时保存的恢复码之一。每个恢复码只能使用一次。",
    totpIntro: "请输入验证器应用为 NetShop 显示的 6 位验证码。",
    whatsappIntro: "我们已将 6 位验证码发送到您的 WhatsApp <phone>{{phone}}</phone>。验证码 5 分钟内有效。",
    unsent: "我们刚才无法通过 WhatsApp 发送您的验证码。请等一分钟，然后重新发送。",
    resent: "新的验证码正在发送。之前的验证码已失效。",
    recoveryCode: "恢复码",
    code: "验证码",
    trust: "信任此设备 30 天（在此设备上不再要求验证码）",
    checking: "正在核对…",
    submit: "继续",
    resend: "发送新验证码",
    useTotp: "改用验证器应用",
    useWhatsapp: "改用 WhatsApp 验证码",
    useRecovery: "手机丢了？使用恢复码",
    someoneElse: "以其他身份登录",
  },
};

export default auth;
