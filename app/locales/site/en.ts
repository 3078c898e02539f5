/** Namespace "site". */
const site = {} as const;

export default site;
