import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { type FormEvent, useState } from "react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { MAX_IMAGE_BYTES } from "~/domain/media/media-rules";
import { getShop } from "~/domain/shops/shops.server";
import { forgetStorefrontShop } from "~/domain/storefront/shop.server";
import {
  contrastRatio,
  MIN_CONTRAST,
  readableOn,
  type StorefrontTheme,
  THEME_IMAGE_SLOTS,
  THEME_LIMITS,
  type ThemeErrors,
  type ThemeImageSlot,
  themeStyle,
} from "~/domain/storefront/theme";
import { getStorefrontTheme, removeThemeImage, saveStorefrontTheme, uploadThemeImage } from "~/domain/storefront/theme.server";
import { readUploadForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { Field, PostForm } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";

export const meta: MetaFunction = ({ matches }) => [{ title: `${metaT(matches, "ui")("theme.title")} · NetShop` }];

export const loader = /* @__PURE__ */ adminLoader("settings", async ({ access }) => {
  const shop = await getShop(access.shop.shopId);
  return { shop: { name: shop.name, slug: shop.slug }, theme: await getStorefrontTheme(access.shop.shopId) };
});

const isSlot = (v: unknown): v is ThemeImageSlot => THEME_IMAGE_SLOTS.includes(v as ThemeImageSlot);

export const action = /* @__PURE__ */ adminAction("settings", async ({ request, context, access }) => {
  const shopId = access.shop.shopId;
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const upload = await readUploadForm(request, { field: "image", maxFileBytes: MAX_IMAGE_BYTES });
  if (!upload.ok) {
    const errors: ThemeErrors = { form: { key: "imageTooLarge", values: { max: "10 MB" } } };
    return data({ errors, values: {} as Record<string, string> }, { status: upload.status });
  }
  const form = upload.form;
  const intent = String(form.get("intent") ?? "save");
  const slot = form.get("slot");
  const done = (what: string) => {
    forgetStorefrontShop(access.shop.slug);
    return redirect(`/admin/settings/storefront?done=${what}`);
  };
  if (intent === "upload" || intent === "remove") {
    if (!isSlot(slot))
      return data({ errors: { form: { key: "invalid" } } as ThemeErrors, values: {} as Record<string, string> }, { status: 400 });
    if (intent === "remove") {
      await removeThemeImage(shopId, actor, slot);
      return done("removed");
    }
    const result = await uploadThemeImage(shopId, actor, slot, form.get("image"));
    if (!result.ok) return data({ errors: result.errors, values: {} as Record<string, string> }, { status: 400 });
    return done("image");
  }
  const result = await saveStorefrontTheme(shopId, actor, Object.fromEntries(form));
  if (!result.ok) return data({ errors: result.errors, values: keptValues(form) }, { status: 400 });
  return done("saved");
});

type TextKey = Exclude<keyof StorefrontTheme, "logo" | "favicon" | "heroImage">;

export default function StorefrontDesign() {
  const { shop, theme } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("ui");
  const busy = useNavigation().state === "submitting";
  const errors: ThemeErrors = result?.errors ?? {};
  const kept: Record<string, string | undefined> = result?.values ?? {};
  const initial = Object.fromEntries(
    Object.entries(theme).map(([k, v]) => [k, typeof v === "string" ? (kept[k] ?? v) : v]),
  ) as unknown as StorefrontTheme;
  // The live preview follows the form while JavaScript runs; without it, it shows what is saved.
  const [draft, setDraft] = useState<StorefrontTheme>(initial);
  const onChange = (e: FormEvent<HTMLFormElement>) => {
    const fields = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setDraft((d) => ({ ...d, ...fields }));
  };
  const err = (field: keyof ThemeErrors) => {
    const e = errors[field];
    return e ? t(`theme.errors.${e.key}` as "theme.errors.invalid", e.values ?? {}) : undefined;
  };
  const text = (name: TextKey, extra: Partial<React.ComponentProps<typeof Field>> = {}) => (
    <Field label={t(`theme.fields.${name}`)} name={name} defaultValue={initial[name]} error={err(name)} {...extra} />
  );
  const done = params.get("done");
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <PageTitle back={{ to: "/admin/settings", label: t("theme.eyebrow") }}>{t("theme.title")}</PageTitle>
          <p className="muted">{t("theme.intro")}</p>
        </div>
        <a className="button secondary" href={`/s/${shop.slug}`} target="_blank" rel="noreferrer">
          {t("theme.open")} ↗
        </a>
      </div>
      {done === "saved" ? <Banner tone="ok">{t("theme.saved")}</Banner> : null}
      {done === "image" ? <Banner tone="ok">{t("theme.imageSaved")}</Banner> : null}
      {done === "removed" ? <Banner tone="ok">{t("theme.imageRemoved")}</Banner> : null}
      <Banner tone="danger">{err("form")}</Banner>

      <section className="card" aria-label={t("theme.preview")}>
        <h2>{t("theme.preview")}</h2>
        <p className="muted small">{t("theme.previewNote")}</p>
        <ThemePreview theme={draft} shopName={shop.name} />
      </section>

      <section className="card">
        <h2>{t("theme.sections.brand")}</h2>
        <div className="theme-images">
          {THEME_IMAGE_SLOTS.map((slot) => (
            <ImageSlot key={slot} slot={slot} image={theme[slot]} error={err(slot)} />
          ))}
        </div>
      </section>

      <PostForm noValidate className="stack" onChange={onChange} data-testid="theme-form" fields={{ intent: "save" }}>
        <section className="card">
          <h2>{t("theme.sections.colours")}</h2>
          <p className="hint">{t("theme.hints.colours", { min: MIN_CONTRAST })}</p>
          <div className="grid">
            {(["primaryColour", "headerColour", "headerTextColour"] as const).map((name) => (
              <ColourField key={name} name={name} label={t(`theme.fields.${name}`)} value={initial[name]} error={err(name)} />
            ))}
          </div>
          <p className="small muted" data-testid="contrast-note">
            {t("theme.contrast", { ratio: safeRatio(draft.primaryColour, "#ffffff") })} ·{" "}
            {t("theme.contrast", { ratio: safeRatio(draft.headerColour, draft.headerTextColour) })}
          </p>
        </section>
        <section className="card">
          <h2>{t("theme.sections.hero")}</h2>
          {text("heroTitle", { maxLength: THEME_LIMITS.heroTitle })}
          <div className={`field${err("heroText") ? " has-error" : ""}`}>
            <label htmlFor="heroText">{t("theme.fields.heroText")}</label>
            <textarea
              id="heroText"
              name="heroText"
              rows={2}
              maxLength={THEME_LIMITS.heroText}
              defaultValue={initial.heroText}
              aria-invalid={err("heroText") ? true : undefined}
            />
            {err("heroText") ? (
              <p className="error" role="alert" data-field-error="heroText">
                {err("heroText")}
              </p>
            ) : null}
          </div>
          <div className="grid">
            {text("heroLinkLabel", { maxLength: THEME_LIMITS.heroLinkLabel })}
            {text("heroLinkUrl", { hint: t("theme.hints.link"), inputMode: "url" })}
          </div>
        </section>
        <section className="card">
          <h2>{t("theme.sections.announcement")}</h2>
          <div className="grid">
            {text("announcement", { maxLength: THEME_LIMITS.announcement })}
            {text("announcementUrl", { hint: t("theme.hints.link"), inputMode: "url" })}
          </div>
        </section>
        <section className="card">
          <h2>{t("theme.sections.footer")}</h2>
          <div className="grid">
            {text("contactEmail", { type: "email", autoComplete: "off" })}
            {text("contactPhone", { type: "tel" })}
            {text("whatsapp", { type: "tel", hint: t("theme.hints.whatsapp") })}
            {text("facebook", { inputMode: "url", placeholder: "https://facebook.com/…" })}
            {text("instagram", { inputMode: "url", placeholder: "https://instagram.com/…" })}
            {text("tiktok", { inputMode: "url", placeholder: "https://tiktok.com/@…" })}
          </div>
        </section>
        <div>
          <button type="submit" disabled={busy} data-testid="save-theme">
            {t("theme.save")}
          </button>
        </div>
      </PostForm>
    </div>
  );
}

function safeRatio(a: string, b: string): string {
  return /^#[0-9a-f]{6}$/i.test(a) && /^#[0-9a-f]{6}$/i.test(b) ? contrastRatio(a.toLowerCase(), b.toLowerCase()).toFixed(1) : "–";
}

/** A colour picker and its hex text kept in step (the text is what is sent). */
function ColourField({ name, label, value, error }: { name: string; label: string; value: string; error?: string }) {
  const [colour, setColour] = useState(value);
  const valid = /^#[0-9a-f]{6}$/i.test(colour);
  return (
    <div className={`field colour-field${error ? " has-error" : ""}`}>
      <label htmlFor={`${name}-text`}>{label}</label>
      <div className="row">
        <input
          type="color"
          aria-label={label}
          value={valid ? colour.toLowerCase() : "#000000"}
          onChange={(e) => setColour(e.target.value)}
          tabIndex={-1}
        />
        <input
          id={`${name}-text`}
          name={name}
          value={colour}
          onChange={(e) => setColour(e.target.value)}
          pattern="#[0-9a-fA-F]{6}"
          maxLength={7}
          size={8}
          aria-invalid={error ? true : undefined}
        />
      </div>
      {error ? (
        <p className="error" role="alert" data-field-error={name}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function ImageSlot({ slot, image, error }: { slot: ThemeImageSlot; image: StorefrontTheme["logo"]; error?: string }) {
  const { t } = useTranslation("ui");
  return (
    <div className={`field theme-image${error ? " has-error" : ""}`} data-testid={`theme-${slot}`}>
      <p className="label">{t(`theme.fields.${slot}`)}</p>
      <div className="theme-image-box">
        {image ? (
          <img src={image.url} alt="" width={image.width} height={image.height} />
        ) : (
          <span className="muted small">{t("theme.none")}</span>
        )}
      </div>
      <p className="hint">{t(`theme.hints.${slot}`)}</p>
      <PostForm encType="multipart/form-data" className="row" fields={{ slot: slot }}>
        <input type="file" name="image" accept="image/jpeg,image/png,image/webp" aria-label={t(`theme.fields.${slot}`)} required />
        <button type="submit" name="intent" value="upload" className="secondary small">
          {t("theme.upload")}
        </button>
      </PostForm>
      {image ? (
        <PostForm fields={{ slot: slot }}>
          <button type="submit" name="intent" value="remove" className="link small">
            {t("theme.remove")}
          </button>
        </PostForm>
      ) : null}
      {error ? (
        <p className="error" role="alert" data-field-error={slot}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The top of the storefront with the draft theme: announcement, header, hero. */
function ThemePreview({ theme, shopName }: { theme: StorefrontTheme; shopName: string }) {
  const valid = (c: string) => /^#[0-9a-f]{6}$/i.test(c);
  const safe: StorefrontTheme = {
    ...theme,
    primaryColour: valid(theme.primaryColour) ? theme.primaryColour : "#0f766e",
    headerColour: valid(theme.headerColour) ? theme.headerColour : "#ffffff",
    headerTextColour: valid(theme.headerTextColour) ? theme.headerTextColour : "#0f172a",
  };
  return (
    <div className="theme-preview storefront-themed" style={themeStyle(safe) as React.CSSProperties} data-testid="theme-preview">
      {safe.announcement ? (
        <div className="announcement-bar" data-testid="preview-announcement">
          {safe.announcement}
        </div>
      ) : null}
      <div className="site-header" style={{ position: "static" }}>
        <div className="inner spread">
          <span className="brand">
            {safe.logo ? <img src={safe.logo.url} alt="" className="shop-logo" /> : null}
            <span>{shopName}</span>
          </span>
        </div>
      </div>
      {safe.heroTitle || safe.heroImage ? (
        <div className="hero" style={safe.heroImage ? { backgroundImage: `url(${safe.heroImage.url})` } : undefined}>
          <div className="hero-text">
            {safe.heroTitle ? (
              <p className="hero-title" data-testid="preview-hero-title">
                {safe.heroTitle}
              </p>
            ) : null}
            {safe.heroText ? <p>{safe.heroText}</p> : null}
            {safe.heroLinkLabel ? (
              <span className="button" style={{ color: readableOn(safe.primaryColour) }}>
                {safe.heroLinkLabel}
              </span>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
