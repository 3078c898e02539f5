import { useBeforeUnload, useBlocker, useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";

import { ADJUSTMENT_REASONS, MAX_OPTIONS, PRODUCT_STATUSES, variantTitle } from "~/domain/catalog/catalog-rules";
import { type ProductDraft, syncVariants, usableOptions, type VariantDraft } from "~/domain/catalog/product-draft";
import type { Coded } from "~/lib/forms";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Field, FormError, PostForm, SelectField, useErrorTexts } from "~/ui/forms";

export interface EditorProps {
  mode: "new" | "edit";
  initial: ProductDraft;
  /** The domain's refusals, coded: worded here in the page's language. */
  errors: Record<string, Coded | undefined>;
  currency: string;
  categories: Array<{ id: string; name: string }>;
  collections: Array<{ id: string; title: string }>;
}

export const optionsSignature = (draft: ProductDraft) => JSON.stringify(usableOptions(draft.options));

/** Warns before leaving a page with unsaved changes (links inside the app, reloads, closing the tab). */
export function useUnsavedChangesWarning(dirty: boolean) {
  const { t } = useTranslation("catalog");
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm(t("editor.unsaved"))) blocker.proceed();
    else blocker.reset();
  }, [blocker, t]);
  useBeforeUnload(
    useCallback(
      (event) => {
        if (!dirty) return;
        event.preventDefault();
        event.returnValue = "";
      },
      [dirty],
    ),
  );
}

export function ProductEditor({ mode, initial, errors: coded, currency, categories, collections }: EditorProps) {
  const { t } = useTranslation("catalog");
  const errors = useErrorTexts(coded);
  const [draft, setDraft] = useState(initial);
  const [dirty, setDirty] = useState(false);
  const [signature, setSignature] = useState(() => optionsSignature(initial));
  const navigation = useNavigation();
  const saving = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";
  useUnsavedChangesWarning(dirty && !saving);

  // The options changed: regenerate the grid (keeping what was typed in matching rows).
  const changeOptions = (options: ProductDraft["options"]) => {
    const next = { ...draft, options };
    next.variants = syncVariants(next);
    setDraft(next);
    setSignature(optionsSignature(next));
    setDirty(true);
  };
  const changeVariant = (i: number, patch: Partial<VariantDraft>) => {
    setDraft({ ...draft, variants: draft.variants.map((v, n) => (n === i ? { ...v, ...patch } : v)) });
    setDirty(true);
  };
  const optionNames = usableOptions(draft.options).map((o) => o.name);
  const err = (key: string) => errors[key];

  return (
    <PostForm noValidate onChange={() => setDirty(true)} onSubmit={() => setDirty(false)} id="product-form">
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="optionsBefore" value={signature} />
      <FormError message={errors.form} />
      {Object.keys(errors).length > 0 && !errors.form ? <Banner tone="danger">{t("editor.needsAttention")}</Banner> : null}
      <div className="editor">
        <div className="stack">
          <section className="card">
            <Field label={t("editor.title")} name="title" defaultValue={draft.title} error={err("title")} required maxLength={255} />
            <div className="field">
              <label htmlFor="descriptionMd">{t("editor.description")}</label>
              <p className="hint" id="description-hint">
                {t("editor.descriptionHint")}
              </p>
              <textarea
                id="descriptionMd"
                name="descriptionMd"
                defaultValue={draft.descriptionMd}
                aria-describedby="description-hint"
                aria-invalid={err("descriptionMd") ? true : undefined}
              />
              {err("descriptionMd") ? (
                <p className="error" role="alert" data-field-error="descriptionMd">
                  {err("descriptionMd")}
                </p>
              ) : null}
            </div>
          </section>

          <section className="card" aria-labelledby="options-heading">
            <h2 id="options-heading">{t("editor.options")}</h2>
            <p className="muted small">{t("editor.optionsHint", { max: MAX_OPTIONS })}</p>
            {draft.options.map((option, i) => (
              <div className="option-row" key={i}>
                <Field
                  label={t("editor.option", { n: i + 1 })}
                  name={`options.${i}.name`}
                  value={option.name}
                  placeholder={t("editor.optionPlaceholder")}
                  error={err(`options.${i}.name`)}
                  onChange={(e) => changeOptions(draft.options.map((o, n) => (n === i ? { ...o, name: e.currentTarget.value } : o)))}
                />
                <Field
                  label={t("editor.values")}
                  name={`options.${i}.values`}
                  value={option.values}
                  placeholder="S, M, L"
                  error={err(`options.${i}.values`)}
                  onChange={(e) => changeOptions(draft.options.map((o, n) => (n === i ? { ...o, values: e.currentTarget.value } : o)))}
                />
                <button
                  type="button"
                  className="link"
                  style={{ marginTop: "2rem" }}
                  onClick={() => changeOptions(draft.options.filter((_, n) => n !== i))}
                >
                  {t("editor.remove")}
                </button>
              </div>
            ))}
            {draft.options.length < MAX_OPTIONS ? (
              <button type="button" className="secondary" onClick={() => changeOptions([...draft.options, { name: "", values: "" }])}>
                {t("editor.addOption")}
              </button>
            ) : null}
            <noscript>
              <p className="small muted">{t("editor.noscriptOptions")}</p>
              {draft.options.length < MAX_OPTIONS ? (
                <div className="option-row">
                  <Field label={t("editor.option", { n: draft.options.length + 1 })} name={`options.${draft.options.length}.name`} />
                  <Field label={t("editor.values")} name={`options.${draft.options.length}.values`} />
                </div>
              ) : null}
            </noscript>
          </section>

          <section className="card" aria-labelledby="variants-heading">
            <h2 id="variants-heading">{t("editor.variants")}</h2>
            <p className="muted small">{t("editor.variantsHint", { currency })}</p>
            <div className="grid-scroll">
              <table className="variants" data-testid="variants-grid">
                <thead>
                  <tr>
                    <th>{t("editor.variant")}</th>
                    <th>{t("editor.price")}</th>
                    <th>{t("editor.compareAt")}</th>
                    <th>{t("editor.cost")}</th>
                    <th>{t("editor.sku")}</th>
                    <th>{t("editor.barcode")}</th>
                    <th>{t("editor.grams")}</th>
                    <th>{t("editor.stock")}</th>
                    <th title={t("editor.trackInventory")}>{t("editor.track")}</th>
                    <th title={t("editor.sellWhenOut")}>{t("editor.backorder")}</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  {draft.variants.map((v, i) => (
                    <VariantRow
                      key={`${v.id}|${v.values.join("|")}|${i}`}
                      index={i}
                      variant={v}
                      errors={errors}
                      canRemove={draft.variants.length > 1}
                      onChange={(patch) => changeVariant(i, patch)}
                      onRemove={() => {
                        setDraft({ ...draft, variants: draft.variants.filter((_, n) => n !== i) });
                        setDirty(true);
                      }}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            {optionNames.length === 0 ? <p className="small muted">{t("editor.singleVariant")}</p> : null}
          </section>
        </div>

        <div className="stack">
          <section className="card">
            <SelectField
              label={t("editor.status")}
              name="status"
              defaultValue={draft.status}
              error={err("status")}
              options={PRODUCT_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            />
            <p className="small muted">{t("editor.activeHint")}</p>
          </section>
          <section className="card">
            <h2>{t("editor.organisation")}</h2>
            <Field label={t("editor.brand")} name="brand" defaultValue={draft.brand} error={err("brand")} />
            <Field
              label={t("editor.productType")}
              name="productType"
              defaultValue={draft.productType}
              error={err("productType")}
              placeholder={t("editor.productTypePlaceholder")}
            />
            <SelectField
              label={t("editor.category")}
              name="categoryId"
              defaultValue={draft.categoryId}
              error={err("categoryId")}
              options={[{ value: "", label: t("editor.none") }, ...categories.map((c) => ({ value: c.id, label: c.name }))]}
            />
            <fieldset className="field">
              <legend>{t("editor.collections")}</legend>
              {collections.length === 0 ? <p className="small muted">{t("editor.noCollections")}</p> : null}
              {collections.map((c) => (
                <label key={c.id} className="small" style={{ display: "block", fontWeight: 400 }}>
                  <input type="checkbox" name="collectionIds" value={c.id} defaultChecked={draft.collectionIds.includes(c.id)} /> {c.title}
                </label>
              ))}
              {err("collectionIds") ? <p className="error">{err("collectionIds")}</p> : null}
            </fieldset>
            <Field label={t("editor.tags")} name="tags" defaultValue={draft.tags} error={err("tags")} hint={t("editor.tagsHint")} />
          </section>
          <section className="card">
            <h2>{t("editor.searchEngines")}</h2>
            <Field
              label={t("editor.handle")}
              name="handle"
              defaultValue={draft.handle}
              error={err("handle")}
              hint={mode === "new" ? t("editor.handleHint") : undefined}
            />
            <Field label={t("editor.seoTitle")} name="seoTitle" defaultValue={draft.seoTitle} error={err("seoTitle")} maxLength={70} />
            <div className="field">
              <label htmlFor="seoDescription">{t("editor.seoDescription")}</label>
              <textarea
                id="seoDescription"
                name="seoDescription"
                defaultValue={draft.seoDescription}
                rows={3}
                maxLength={320}
                style={{ minHeight: "5rem" }}
              />
              {err("seoDescription") ? <p className="error">{err("seoDescription")}</p> : null}
            </div>
          </section>
        </div>
      </div>
      <div className="save-bar">
        {dirty ? (
          <span className="dirty" data-testid="unsaved">
            {t("editor.unsavedBadge")}
          </span>
        ) : null}
        <button type="submit" disabled={saving}>
          {saving ? t("editor.saving") : mode === "new" ? t("editor.create") : t("editor.save")}
        </button>
      </div>
    </PostForm>
  );
}

function VariantRow({
  index,
  variant: v,
  errors,
  canRemove,
  onChange,
  onRemove,
}: {
  index: number;
  variant: VariantDraft;
  errors: Record<string, string | undefined>;
  canRemove: boolean;
  onChange: (patch: Partial<VariantDraft>) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation("catalog");
  const name = (f: string) => `variants.${index}.${f}`;
  const title = v.values.length ? variantTitle(v.values) : t("defaultVariant");
  const cell = (field: keyof VariantDraft & string, label: string, props: Record<string, unknown> = {}) => {
    const error = errors[name(field)];
    return (
      <td>
        <input
          name={name(field)}
          aria-label={t("editor.fieldOf", { field: label, variant: title })}
          value={String(v[field] ?? "")}
          onChange={(e) => onChange({ [field]: e.currentTarget.value })}
          aria-invalid={error ? true : undefined}
          {...props}
        />
        {error ? (
          <p className="error" role="alert" data-field-error={name(field)}>
            {error}
          </p>
        ) : null}
      </td>
    );
  };
  return (
    <tr data-testid="variant-row">
      <td>
        <input type="hidden" name={name("id")} value={v.id} />
        {v.values.map((value, n) => (
          <input key={n} type="hidden" name={name(`option${n + 1}`)} value={value} />
        ))}
        <strong>{title}</strong>
        {errors[name("values")] ? <p className="error">{errors[name("values")]}</p> : null}
      </td>
      {cell("price", t("editor.price"), { inputMode: "decimal", placeholder: "0.00" })}
      {cell("compareAt", t("editor.compareAtPrice"), { inputMode: "decimal" })}
      {cell("cost", t("editor.cost"), { inputMode: "decimal" })}
      {cell("sku", t("editor.sku"))}
      {cell("barcode", t("editor.barcode"))}
      {cell("weight", t("editor.weight"), { inputMode: "numeric" })}
      {v.id ? (
        <td className="nowrap" data-testid="on-hand">
          {v.track ? t("editor.onHand", { count: v.onHand ?? 0 }) : "—"}
          <input type="hidden" name={name("onHand")} value={v.onHand ?? ""} />
        </td>
      ) : (
        cell("initialStock", t("editor.initialStock"), { inputMode: "numeric", placeholder: "0" })
      )}
      <td>
        <input
          type="checkbox"
          name={name("track")}
          aria-label={t("editor.fieldOf", { field: t("editor.trackInventory"), variant: title })}
          checked={v.track}
          onChange={(e) => onChange({ track: e.currentTarget.checked })}
        />
      </td>
      <td>
        <input
          type="checkbox"
          name={name("backorder")}
          aria-label={t("editor.fieldOf", { field: t("editor.allowBackorder"), variant: title })}
          checked={v.backorder}
          onChange={(e) => onChange({ backorder: e.currentTarget.checked })}
        />
      </td>
      <td>
        {canRemove ? (
          <button type="button" className="link small" onClick={onRemove} aria-label={t("editor.removeVariant", { variant: title })}>
            {t("editor.remove")}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** Stock adjustment with a reason, for one of a product's tracked variants. */
export function InventoryAdjustForm({
  variants,
  errors,
  values,
}: {
  variants: Array<{ id: string; title: string; onHand: number; track: boolean }>;
  errors: Record<string, string | undefined>;
  values: Record<string, string | undefined>;
}) {
  const { t } = useTranslation("catalog");
  const tracked = variants.filter((v) => v.track);
  if (!tracked.length) return <p className="small muted">{t("inventory.noneTracked")}</p>;
  return (
    <PostForm className="stack" data-testid="adjust-form" fields={{ intent: "adjust" }}>
      <SelectField
        label={t("editor.variant")}
        name="variantId"
        defaultValue={values.variantId}
        error={errors.variantId}
        options={tracked.map((v) => ({
          value: v.id,
          label: t("inventory.variantOnHand", { variant: v.title === "Default" ? t("defaultVariant") : v.title, count: v.onHand }),
        }))}
      />
      <div className="two-cols">
        <Field
          label={t("inventory.changeBy")}
          name="delta"
          inputMode="numeric"
          placeholder={t("inventory.changeByPlaceholder")}
          defaultValue={values.delta}
          error={errors.delta}
        />
        <SelectField
          label={t("inventory.reason")}
          name="reason"
          defaultValue={values.reason ?? "received"}
          error={errors.reason}
          options={ADJUSTMENT_REASONS.map((r) => ({ value: r, label: t(`reasons.${r}`) }))}
        />
      </div>
      <Field label={t("inventory.note")} name="note" defaultValue={values.note} error={errors.note} maxLength={200} />
      <button type="submit" className="secondary">
        {t("inventory.adjust")}
      </button>
    </PostForm>
  );
}
