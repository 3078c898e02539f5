/** A sign-up form's hidden field: the ids of the policy versions it showed, comma-separated (read by acceptedAtSignup). */
export const SHOWN_POLICIES_FIELD = "policyVersions";
