// The whole schema, one file per area. drizzle-kit reads this file (db/drizzle.config.ts).
export * from "./core";
export * from "./security";
export * from "./billing";
export * from "./catalog";
export * from "./orders";
export * from "./ai";
export * from "./dropship";
export * from "./storefront";
export * from "./checkout";
export * from "./orders-admin";
export * from "./ai-media";
export * from "./payments";
export * from "./ai-copy";
export * from "./accounting";
export * from "./privacy";
