/** Storefront search options the page (browser) and the server share. */
export const SEARCH_SORTS = ["relevance", "newest", "price-asc", "price-desc", "title"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
