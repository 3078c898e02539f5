-- Hand-written (issue 15): the language a storefront customer reads their messages in (security
-- notices about wrong passwords). Set from the storefront's language at sign-up and whenever the
-- signed-in customer switches language; empty for guests and older accounts, who are written to
-- in the shop's own language.
ALTER TABLE "customers" ADD COLUMN IF NOT EXISTS "language" "language";
