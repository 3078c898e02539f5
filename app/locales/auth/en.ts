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
  },
} as const;

export default auth;
