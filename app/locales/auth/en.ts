/** Signing in (namespace "auth"). */
const auth = {
  login: {
    title: "Log in",
    metaTitle: "Log in · NetShop",
    reset: "Your password was changed and every device was logged out. Log in with your new password.",
    email: "Email",
    password: "Password",
    remember: "Remember me on this device for 30 days",
    submitting: "Logging in…",
    submit: "Log in",
    forgot: "Forgot your password?",
    newHere: "New to NetShop?",
    signup: "Create an account",
    errors: {
      emailRequired: "Enter your email address.",
      passwordRequired: "Enter your password.",
      invalid: "That email and password don't match an account.",
      tooManyAttempts: "Too many login attempts. Try again in {{minutes}} minute(s).",
      frozen: "The shop's administrator froze your account. Ask them to unfreeze it.",
    },
  },
  verify: {
    title: "Confirm it's you",
    metaTitle: "Confirm it's you · NetShop",
    recoveryIntro: "Enter one of the recovery codes you saved when you set up two-factor authentication. Each code works once.",
    totpIntro: "Enter the 6-digit code your authenticator app shows for NetShop.",
    whatsappIntro: "We sent a 6-digit code to your WhatsApp <phone>{{phone}}</phone>. It expires in 5 minutes.",
    unsent: "We could not send your code on WhatsApp just now. Wait a minute, then send a new code.",
    resent: "A new code is on its way. Earlier codes no longer work.",
    recoveryCode: "Recovery code",
    code: "Code",
    trust: "Trust this device for 30 days (don't ask for a code here)",
    checking: "Checking…",
    submit: "Continue",
    resend: "Send a new code",
    useTotp: "Use your authenticator app instead",
    useWhatsapp: "Use a WhatsApp code instead",
    useRecovery: "Lost your phone? Use a recovery code",
    someoneElse: "Log in as someone else",
  },
} as const;

export default auth;
