/** Namespace "deals". */
const deals = {} as const;

export default deals;
