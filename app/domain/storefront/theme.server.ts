/**
 * Saving a shop's storefront theme and its images. Images go through the same check as every
 * upload (decoded and re-encoded by sharp: app/domain/media/ingest.server.ts), then are
 * sized for their place (a favicon becomes a 64×64 PNG). The theme lives on the shops row, so the
 * storefront cache's trigger on shops (migration 0020) tells every web process at commit.
 */
import { eq, sql } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { ingestImage } from "~/domain/media/ingest.server";
import { IMAGE_TYPES, MAX_IMAGE_BYTES } from "~/domain/media/media-rules";
import { deleteObjects, publicObjectUrl, putObject } from "~/integrations/storage.server";
import { logger } from "~/lib/logger.server";
import { loadSharp } from "~/lib/sharp.server";
import { schema, withShop } from "~db/client";

import type { StorefrontTheme, ThemeErrors, ThemeImage, ThemeImageSlot } from "./theme";
import { parseThemeForm, themeFromStored } from "./theme-form.server";

/** Largest stored size for each image (re-sized down, never up). */
const SIZES: Record<ThemeImageSlot, { width: number; height: number; fit: "inside" | "cover" }> = {
  logo: { width: 600, height: 200, fit: "inside" },
  favicon: { width: 64, height: 64, fit: "cover" },
  heroImage: { width: 1600, height: 800, fit: "inside" },
};

export async function getStorefrontTheme(shopId: string): Promise<StorefrontTheme> {
  const [row] = await withShop(shopId, (tx) =>
    tx.select({ theme: schema.shops.storefrontTheme }).from(schema.shops).where(eq(schema.shops.id, shopId)),
  );
  return themeFromStored(row?.theme);
}

type Actor = { userId: string } & RequestInfo;

/** Saves the theme's texts, colours and links; the images stay as they are. */
export async function saveStorefrontTheme(
  shopId: string,
  actor: Actor,
  form: Record<string, unknown>,
): Promise<{ ok: true; theme: StorefrontTheme } | { ok: false; errors: ThemeErrors }> {
  const parsed = parseThemeForm(form);
  if (!parsed.ok) return parsed;
  const theme = await withShop(shopId, async (tx) => {
    const [row] = await tx
      .select({ theme: schema.shops.storefrontTheme })
      .from(schema.shops)
      .where(eq(schema.shops.id, shopId))
      .for("update");
    const before = themeFromStored(row?.theme);
    const after: StorefrontTheme = { ...before, ...parsed.value };
    await tx.update(schema.shops).set({ storefrontTheme: after, updatedAt: new Date() }).where(eq(schema.shops.id, shopId));
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "settings.storefront_theme_changed",
      targetType: "shop",
      targetId: shopId,
      before: parsed.value && pick(before, Object.keys(parsed.value)),
      after: parsed.value,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    return after;
  });
  return { ok: true, theme };
}

function pick(o: object, keys: string[]) {
  return Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
}

/**
 * Stores an uploaded image as the theme's logo, favicon or hero image (replacing the old one), or
 * says why not (a translation key of `ui:theme.errors`).
 */
export async function uploadThemeImage(
  shopId: string,
  actor: Actor,
  slot: ThemeImageSlot,
  file: unknown,
): Promise<{ ok: true; image: ThemeImage } | { ok: false; errors: ThemeErrors }> {
  const refuse = (key: string, values?: Record<string, string | number>) => ({ ok: false as const, errors: { [slot]: { key, values } } });
  if (!(file instanceof Blob) || file.size === 0) return refuse("chooseImage");
  if (file.size > MAX_IMAGE_BYTES) return refuse("imageTooLarge", { max: "10 MB" });
  const checked = await ingestImage(Buffer.from(await file.arrayBuffer()), { claimed: file.type || undefined });
  if (!checked.ok) return refuse("notImage");
  const size = SIZES[slot];
  const sharp = await loadSharp();
  const resized = sharp(checked.body).resize({
    width: size.width,
    height: size.height,
    fit: size.fit,
    withoutEnlargement: slot !== "favicon",
  });
  const out =
    slot === "favicon"
      ? resized.png()
      : checked.contentType === "image/jpeg"
        ? resized.jpeg({ quality: 88, mozjpeg: true })
        : resized.webp({ quality: 88 });
  const { data: body, info } = await out.toBuffer({ resolveWithObject: true });
  const contentType = slot === "favicon" ? "image/png" : checked.contentType === "image/jpeg" ? "image/jpeg" : "image/webp";
  const key = `shops/${shopId}/theme/${slot}-${crypto.randomUUID()}.${IMAGE_TYPES[contentType]}`;
  await putObject({ key, body, contentType, immutable: true });
  const image: ThemeImage = { url: publicObjectUrl(key), key, width: info.width, height: info.height };
  const old = await setThemeImage(shopId, actor, slot, image);
  await removeObject(old);
  return { ok: true, image };
}

/** Takes the logo, favicon or hero image off the theme. */
export async function removeThemeImage(shopId: string, actor: Actor, slot: ThemeImageSlot): Promise<void> {
  await removeObject(await setThemeImage(shopId, actor, slot, null));
}

async function setThemeImage(shopId: string, actor: Actor, slot: ThemeImageSlot, image: ThemeImage | null): Promise<ThemeImage | null> {
  return withShop(shopId, async (tx) => {
    const [row] = await tx
      .select({ theme: schema.shops.storefrontTheme })
      .from(schema.shops)
      .where(eq(schema.shops.id, shopId))
      .for("update");
    const old = themeFromStored(row?.theme)[slot];
    await tx
      .update(schema.shops)
      .set({ storefrontTheme: sql`${schema.shops.storefrontTheme} || ${JSON.stringify({ [slot]: image })}::jsonb`, updatedAt: new Date() })
      .where(eq(schema.shops.id, shopId));
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "settings.storefront_theme_changed",
      targetType: "shop",
      targetId: shopId,
      before: { [slot]: old?.key ?? null },
      after: { [slot]: image?.key ?? null },
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    return old;
  });
}

async function removeObject(image: ThemeImage | null) {
  if (!image) return;
  // Best effort after commit: a left-over object is only storage, never shown.
  await deleteObjects([image.key]).catch((error: unknown) => logger().warn({ err: error }, "theme: old image not deleted"));
}
