import { Form, useBeforeUnload, useBlocker, useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";
import {
  ADJUSTMENT_REASONS,
  MAX_OPTIONS,
  PRODUCT_STATUSES,
  REASON_LABELS,
  STATUS_LABELS,
  variantTitle,
} from "~/domain/catalog/catalog-rules";
import { syncVariants, usableOptions, type ProductDraft, type VariantDraft } from "~/domain/catalog/product-draft";
import { CsrfInput, Field, FormError, SelectField } from "~/ui/forms";
import { Banner } from "~/ui/banner";

export interface EditorProps {
  mode: "new" | "edit";
  initial: ProductDraft;
  errors: Record<string, string | undefined>;
  currency: string;
  categories: Array<{ id: string; name: string }>;
  collections: Array<{ id: string; title: string }>;
}

export const optionsSignature = (draft: ProductDraft) => JSON.stringify(usableOptions(draft.options));

/** Warns before leaving a page with unsaved changes (links inside the app, reloads, closing the tab). */
export function useUnsavedChangesWarning(dirty: boolean) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm("You have unsaved changes. Leave this page and lose them?")) blocker.proceed();
    else blocker.reset();
  }, [blocker]);
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

export function ProductEditor({ mode, initial, errors, currency, categories, collections }: EditorProps) {
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
    <Form method="post" noValidate onChange={() => setDirty(true)} onSubmit={() => setDirty(false)} id="product-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="optionsBefore" value={signature} />
      <FormError message={errors.form} />
      {Object.keys(errors).length > 0 && !errors.form ? (
        <Banner tone="danger">Some fields need attention: see the messages next to them.</Banner>
      ) : null}
      <div className="editor">
        <div className="stack">
          <section className="card">
            <Field label="Title" name="title" defaultValue={draft.title} error={err("title")} required maxLength={255} />
            <div className="field">
              <label htmlFor="descriptionMd">Description</label>
              <p className="hint" id="description-hint">
                Markdown: **bold**, *italic*, - lists, [links](https://…). Scripts and styles are removed.
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
            <h2 id="options-heading">Options</h2>
            <p className="muted small">Up to {MAX_OPTIONS} options, such as Size and Colour. Each combination of values is a variant.</p>
            {draft.options.map((option, i) => (
              <div className="option-row" key={i}>
                <Field
                  label={`Option ${i + 1}`}
                  name={`options.${i}.name`}
                  value={option.name}
                  placeholder="Size"
                  error={err(`options.${i}.name`)}
                  onChange={(e) => changeOptions(draft.options.map((o, n) => (n === i ? { ...o, name: e.currentTarget.value } : o)))}
                />
                <Field
                  label="Values (comma-separated)"
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
                  Remove
                </button>
              </div>
            ))}
            {draft.options.length < MAX_OPTIONS ? (
              <button type="button" className="secondary" onClick={() => changeOptions([...draft.options, { name: "", values: "" }])}>
                + Add an option
              </button>
            ) : null}
            <noscript>
              <p className="small muted">Without JavaScript, the variants below are regenerated from the options when you save.</p>
              {draft.options.length < MAX_OPTIONS ? (
                <div className="option-row">
                  <Field label={`Option ${draft.options.length + 1}`} name={`options.${draft.options.length}.name`} />
                  <Field label="Values (comma-separated)" name={`options.${draft.options.length}.values`} />
                </div>
              ) : null}
            </noscript>
          </section>

          <section className="card" aria-labelledby="variants-heading">
            <h2 id="variants-heading">Variants</h2>
            <p className="muted small">
              Prices in {currency}. Stock of saved variants changes through inventory adjustments below, so every change is recorded.
            </p>
            <div className="grid-scroll">
              <table className="variants" data-testid="variants-grid">
                <thead>
                  <tr>
                    <th>Variant</th>
                    <th>Price</th>
                    <th>Compare-at</th>
                    <th>Cost</th>
                    <th>SKU</th>
                    <th>Barcode</th>
                    <th>Grams</th>
                    <th>Stock</th>
                    <th title="Track inventory">Track</th>
                    <th title="Sell when out of stock">Backorder</th>
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
            {optionNames.length === 0 ? <p className="small muted">No options: this product has a single variant.</p> : null}
          </section>
        </div>

        <div className="stack">
          <section className="card">
            <SelectField
              label="Status"
              name="status"
              defaultValue={draft.status}
              error={err("status")}
              options={PRODUCT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
            />
            <p className="small muted">Active products are on your storefront.</p>
          </section>
          <section className="card">
            <h2>Organisation</h2>
            <Field label="Brand" name="brand" defaultValue={draft.brand} error={err("brand")} />
            <Field
              label="Product type"
              name="productType"
              defaultValue={draft.productType}
              error={err("productType")}
              placeholder="Shirt"
            />
            <SelectField
              label="Category"
              name="categoryId"
              defaultValue={draft.categoryId}
              error={err("categoryId")}
              options={[{ value: "", label: "None" }, ...categories.map((c) => ({ value: c.id, label: c.name }))]}
            />
            <fieldset className="field">
              <legend>Collections</legend>
              {collections.length === 0 ? <p className="small muted">No collections yet.</p> : null}
              {collections.map((c) => (
                <label key={c.id} className="small" style={{ display: "block", fontWeight: 400 }}>
                  <input type="checkbox" name="collectionIds" value={c.id} defaultChecked={draft.collectionIds.includes(c.id)} /> {c.title}
                </label>
              ))}
              {err("collectionIds") ? <p className="error">{err("collectionIds")}</p> : null}
            </fieldset>
            <Field label="Tags" name="tags" defaultValue={draft.tags} error={err("tags")} hint="Comma-separated, e.g. batik, cotton" />
          </section>
          <section className="card">
            <h2>Search engines</h2>
            <Field
              label="URL handle"
              name="handle"
              defaultValue={draft.handle}
              error={err("handle")}
              hint={mode === "new" ? "Leave empty to make one from the title." : undefined}
            />
            <Field label="SEO title" name="seoTitle" defaultValue={draft.seoTitle} error={err("seoTitle")} maxLength={70} />
            <div className="field">
              <label htmlFor="seoDescription">SEO description</label>
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
            Unsaved changes
          </span>
        ) : null}
        <button type="submit" disabled={saving}>
          {saving ? "Saving…" : mode === "new" ? "Create product" : "Save product"}
        </button>
      </div>
    </Form>
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
  const name = (f: string) => `variants.${index}.${f}`;
  const cell = (field: keyof VariantDraft & string, label: string, props: Record<string, unknown> = {}) => {
    const error = errors[name(field)];
    return (
      <td>
        <input
          name={name(field)}
          aria-label={`${label} of ${variantTitle(v.values)}`}
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
        <strong>{variantTitle(v.values)}</strong>
        {errors[name("values")] ? <p className="error">{errors[name("values")]}</p> : null}
      </td>
      {cell("price", "Price", { inputMode: "decimal", placeholder: "0.00" })}
      {cell("compareAt", "Compare-at price", { inputMode: "decimal" })}
      {cell("cost", "Cost", { inputMode: "decimal" })}
      {cell("sku", "SKU")}
      {cell("barcode", "Barcode")}
      {cell("weight", "Weight in grams", { inputMode: "numeric" })}
      {v.id ? (
        <td className="nowrap" data-testid="on-hand">
          {v.track ? `${v.onHand ?? 0} on hand` : "—"}
          <input type="hidden" name={name("onHand")} value={v.onHand ?? ""} />
        </td>
      ) : (
        cell("initialStock", "Initial stock", { inputMode: "numeric", placeholder: "0" })
      )}
      <td>
        <input
          type="checkbox"
          name={name("track")}
          aria-label={`Track inventory of ${variantTitle(v.values)}`}
          checked={v.track}
          onChange={(e) => onChange({ track: e.currentTarget.checked })}
        />
      </td>
      <td>
        <input
          type="checkbox"
          name={name("backorder")}
          aria-label={`Allow backorder of ${variantTitle(v.values)}`}
          checked={v.backorder}
          onChange={(e) => onChange({ backorder: e.currentTarget.checked })}
        />
      </td>
      <td>
        {canRemove ? (
          <button type="button" className="link small" onClick={onRemove} aria-label={`Remove ${variantTitle(v.values)}`}>
            Remove
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
  const tracked = variants.filter((v) => v.track);
  if (!tracked.length) return <p className="small muted">No variant tracks inventory.</p>;
  return (
    <Form method="post" className="stack" data-testid="adjust-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="adjust" />
      <SelectField
        label="Variant"
        name="variantId"
        defaultValue={values.variantId}
        error={errors.variantId}
        options={tracked.map((v) => ({ value: v.id, label: `${v.title} (${v.onHand} on hand)` }))}
      />
      <div className="two-cols">
        <Field
          label="Change by"
          name="delta"
          inputMode="numeric"
          placeholder="+10 or -2"
          defaultValue={values.delta}
          error={errors.delta}
        />
        <SelectField
          label="Reason"
          name="reason"
          defaultValue={values.reason ?? "received"}
          error={errors.reason}
          options={ADJUSTMENT_REASONS.map((r) => ({ value: r, label: REASON_LABELS[r] }))}
        />
      </div>
      <Field label="Note (optional)" name="note" defaultValue={values.note} error={errors.note} maxLength={200} />
      <button type="submit" className="secondary">
        Adjust stock
      </button>
    </Form>
  );
}
