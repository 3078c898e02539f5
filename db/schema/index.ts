// The whole schema, one file per area. drizzle-kit reads this file (db/drizzle.config.ts).
export * from "./accounting";
export * from "./ai";
export * from "./ai-copy";
export * from "./ai-media";
export * from "./billing";
export * from "./catalog";
export * from "./checkout";
export * from "./core";
export * from "./dropship";
export * from "./orders";
export * from "./orders-admin";
export * from "./payments";
export * from "./privacy";
export * from "./security";
export * from "./storefront";
