/** Namespace "supplier". */
const supplier = {} as const;

export default supplier;
