/** Namespace "platform". */
const platform = {} as const;

export default platform;
