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
} as const;

export default auth;
