import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { CARRIER_INFO, CARRIERS } from "~/domain/orders/carriers";
import { invoiceLabel } from "~/domain/orders/documents.server";
import { fulfilOrder } from "~/domain/orders/fulfilments.server";
import { type Actor, addOrderNote, getOrderDetail, moveOrder } from "~/domain/orders/order-admin.server";
import { MANUAL_MOVES, type ManualMove } from "~/domain/orders/order-moves";
import { canTransition, type OrderStatus } from "~/domain/orders/order-status";
import { cancelUnpaidOrder } from "~/flows/order-cancelled.server";
import { cancelPaidOrder, refundOrder } from "~/flows/order-refunded.server";
import { readForm } from "~/lib/csrf.server";
import { type Coded, coded, keptValues } from "~/lib/forms";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { codedText, localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { isUuid } from "~/lib/ids";
import { Banner } from "~/ui/banner";
import { useFormat } from "~/ui/format";
import { FormError, PostForm } from "~/ui/forms";
import { OrderBadge } from "~/ui/orders";
import { PageTitle } from "~/ui/page-title";
import { DataTable } from "~/ui/table";
import { useTimelineText } from "~/ui/timeline";
import { Tracking } from "~/ui/tracking";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: metaT(matches, "orders")("detail.meta", { number: data?.detail.order.number ?? "" }) },
];

/** Thrown for an order that is not this shop's: the admin's error page shows it in the reader's language. */
const missing = async (request: Request) => notFound(serverT(await localeFor(request), "orders")("problems.missing"));

export const loader = /* @__PURE__ */ adminLoader("orders", async ({ request, params, access }) => {
  const detail = await getOrderDetail(access.shop.shopId, params.id ?? "");
  if (!detail) throw await missing(request);
  return { detail, invoice: invoiceLabel(detail.order.invoiceNumber) };
});

type ActionData = { intent: string; errors: Record<string, string>; values: Record<string, string>; done?: string };

export const action = /* @__PURE__ */ adminAction("orders", async ({ request, params, context, access }) => {
  const form = await readForm(request);
  const fields = Object.fromEntries(form);
  const intent = String(form.get("intent") ?? "");
  const shopId = access.shop.shopId;
  const orderId = params.id ?? "";
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const locale = await localeFor(request);
  const t = serverT(locale, "orders");
  const status = (s: string) => t(`statuses.${s as OrderStatus}`).toLowerCase();
  // Every refusal worded here, in the reader's language (a status named in one as its word).
  const word = (message: string | Coded) =>
    typeof message === "string"
      ? message
      : codedText(locale, {
          ...message,
          values: Object.fromEntries(
            Object.entries(message.values ?? {}).map(([k, v]) => [k, k === "from" || k === "to" || k === "status" ? status(String(v)) : v]),
          ),
        });
  const fail = (errors: Record<string, string | Coded>) =>
    data<ActionData>(
      { intent, errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, word(v)])), values: keptValues(form) },
      { status: 400 },
    );
  const ok = (done: string) => data<ActionData>({ intent, errors: {}, values: {}, done });
  const gone = () => missing(request);
  if (!isUuid(orderId)) throw await gone();
  const outcome = await runOrderAction(intent, { shopId, orderId, actor, form, fields });
  if (outcome === undefined) throw await gone();
  if (!outcome.ok) return fail(outcome.errors);
  return ok(t(`done.${outcome.done}`, { status: outcome.status ? status(outcome.status) : "" }));
});

type Outcome =
  | { ok: true; done: "note" | "moved" | "cancelled" | "cancelledRefunded" | "fulfilled" | "refundRecorded" | "refunded"; status?: string }
  | { ok: false; errors: Record<string, string | Coded> }
  | undefined;

/** The order page's actions, each a domain call or a flow: what was done, or why not. */
async function runOrderAction(
  intent: string,
  {
    shopId,
    orderId,
    actor,
    form,
    fields,
  }: { shopId: string; orderId: string; actor: Actor; form: FormData; fields: Record<string, unknown> },
): Promise<Outcome> {
  const refused = (code: string): Outcome => ({ ok: false, errors: { form: coded(`orders:problems.${code}`) } });
  switch (intent) {
    case "note": {
      const r = await addOrderNote(shopId, orderId, actor, fields);
      return r && (r.ok ? { ok: true, done: "note" } : r);
    }
    case "move": {
      const to = String(form.get("to") ?? "");
      if (!(MANUAL_MOVES as readonly string[]).includes(to)) return refused("chooseMove");
      const r = await moveOrder(shopId, orderId, to as ManualMove, actor);
      return r && (r.ok ? { ok: true, done: "moved", status: to } : r);
    }
    case "cancel": {
      const detail = await getOrderDetail(shopId, orderId);
      if (!detail) return undefined;
      if (detail.order.paymentStatus === "unpaid") {
        const reason = String(form.get("reason") ?? "")
          .trim()
          .slice(0, 500);
        const r = await cancelUnpaidOrder(shopId, orderId, actor, reason);
        return r && (r.ok ? { ok: true, done: "cancelled" } : r);
      }
      const r = await cancelPaidOrder(shopId, orderId, actor, fields);
      return r && (r.ok ? { ok: true, done: "cancelledRefunded" } : r);
    }
    case "fulfil": {
      const r = await fulfilOrder(shopId, orderId, actor, fields);
      return r && (r.ok ? { ok: true, done: "fulfilled" } : r);
    }
    case "refund": {
      const r = await refundOrder(shopId, orderId, actor, fields);
      return r && (r.ok ? { ok: true, done: r.manual ? "refundRecorded" : "refunded" } : r);
    }
    default:
      return refused("unknownAction");
  }
}

export default function OrderPage() {
  const fmt = useFormat();
  const timelineText = useTimelineText("merchant");
  const { detail, invoice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const { t } = useTranslation("orders");
  const variantName = (title: string) => (title === "Default" ? t("detail.defaultVariant") : title);
  const busy = useNavigation().state === "submitting";
  const { order, lines, payments, events, fulfilments } = detail;
  const [carrier, setCarrier] = useState<string>(result?.intent === "fulfil" ? (result.values.carrier ?? "jnt") : "jnt");
  const [refundMode, setRefundMode] = useState<string>(result?.intent === "refund" ? (result.values.mode ?? "full") : "full");
  const errorsFor = (intent: string) => (result?.intent === intent ? result.errors : {});
  const valuesFor = (intent: string) => (result?.intent === intent ? result.values : {});
  const m = (minor: number) => fmt.money(minor, order.currency);
  const available = order.totalMinor - order.refundedMinor;
  const paid = order.paymentStatus !== "unpaid";
  const canFulfil =
    paid &&
    !["cancelled", "refunded", "delivered"].includes(order.status) &&
    lines.some((l) => l.quantity - l.fulfilledQuantity - l.refundedQuantity > 0);
  const fe = errorsFor("fulfil");
  const fv = valuesFor("fulfil");
  const re = errorsFor("refund");
  const rv = valuesFor("refund");
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <PageTitle back={{ to: "/admin/orders", label: t("detail.back") }} data-testid="order-heading">
            #{order.number}
          </PageTitle>
          <div className="row">
            <span data-testid="order-status">
              <OrderBadge kind="statuses" status={order.status} />
            </span>
            <OrderBadge kind="paymentStatuses" status={order.paymentStatus} />
            <span data-testid="fulfilment-status">
              <OrderBadge kind="fulfilmentStatuses" status={order.fulfilmentStatus} />
            </span>
            <span className="muted small">{fmt.dateTime(order.createdAt)}</span>
          </div>
        </div>
        <div className="row">
          {invoice ? (
            <>
              <a className="button secondary" href={`/admin/orders/${order.id}/invoice`} target="_blank" rel="noreferrer">
                {t("detail.invoice")} {invoice}
              </a>
              <a className="button secondary" href={`/admin/orders/${order.id}/invoice?format=pdf`}>
                {t("detail.pdf")}
              </a>
            </>
          ) : null}
          <a className="button secondary" href={`/admin/orders/${order.id}/packing-slip`} target="_blank" rel="noreferrer">
            {t("detail.packingSlip")}
          </a>
          <a className="button secondary" href={`/admin/orders/${order.id}/packing-slip?format=pdf`}>
            {t("detail.pdf")}
          </a>
        </div>
      </div>

      {result?.done ? (
        <Banner tone="ok" data-testid="done">
          {result.done}
        </Banner>
      ) : null}
      {result?.errors.form ? (
        <Banner tone="danger" data-testid="refused">
          {result.errors.form}
        </Banner>
      ) : null}

      <section className="card">
        <h2>{t("detail.items")}</h2>
        <DataTable
          className="data"
          columns={[
            t("detail.items"),
            { num: t("detail.price") },
            { num: t("detail.quantity") },
            { num: t("detail.sent") },
            { num: t("detail.refundedQty") },
            { num: t("total") },
          ]}
          rows={lines}
          rowKey={(l) => l.id}
          rowProps={() => ({ "data-testid": "order-line" })}
          cells={(l) => (
            <>
              <td>
                {l.title}
                {l.variantTitle ? <div className="muted small">{variantName(l.variantTitle)}</div> : null}
                {l.sku ? <div className="muted small">SKU {l.sku}</div> : null}
                {l.source === "dropship" ? <span className="badge">dropship</span> : null}
              </td>
              <td className="num nowrap">
                {m(l.unitPriceMinor)}
                {l.regularUnitPriceMinor && l.regularUnitPriceMinor > l.unitPriceMinor ? (
                  <div className="muted small">
                    <s>{m(l.regularUnitPriceMinor)}</s>
                  </div>
                ) : null}
              </td>
              <td className="num">{l.quantity}</td>
              <td className="num">{l.fulfilledQuantity}</td>
              <td className="num">{l.refundedQuantity}</td>
              <td className="num nowrap">
                {m(l.totalMinor)}
                {l.discountMinor ? <div className="muted small">−{m(l.discountMinor)}</div> : null}
              </td>
            </>
          )}
        />
        <table className="totals">
          <tbody>
            <tr>
              <td>{t("detail.subtotal")}</td>
              <td className="num">{m(order.subtotalMinor)}</td>
            </tr>
            {order.discountMinor ? (
              <tr>
                <td>{t("detail.discount")}</td>
                <td className="num">−{m(order.discountMinor)}</td>
              </tr>
            ) : null}
            <tr>
              <td>
                {t("detail.shipping")} {order.shippingMethod ? <span className="muted small">({order.shippingMethod})</span> : null}
              </td>
              <td className="num">{m(order.shippingMinor)}</td>
            </tr>
            {order.taxMinor ? (
              <tr>
                <td>{t("detail.tax")}</td>
                <td className="num">{m(order.taxMinor)}</td>
              </tr>
            ) : null}
            <tr>
              <td>
                <strong>{t("total")}</strong>
              </td>
              <td className="num" data-testid="order-total-amount">
                <strong>{m(order.totalMinor)}</strong>
              </td>
            </tr>
            {order.refundedMinor ? (
              <tr>
                <td>{t("detail.refunded")}</td>
                <td className="num" data-testid="refunded-amount">
                  −{m(order.refundedMinor)}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>

      <div className="two-cols">
        <section className="card">
          <h2>{t("detail.customer")}</h2>
          <p>
            {order.customerId ? (
              <Link to={`/admin/customers/${order.customerId}`}>{order.customerName || "—"}</Link>
            ) : (
              order.customerName || "—"
            )}
            <br />
            {order.phone ? <span>{order.phone}</span> : null}
            {order.phone && order.email ? <br /> : null}
            {order.email ? <span>{order.email}</span> : null}
          </p>
          {order.shippingAddress ? (
            <>
              <h3 className="small muted">{t("detail.shipTo")}</h3>
              <address>
                {[
                  order.shippingAddress.name,
                  order.shippingAddress.line1,
                  order.shippingAddress.line2,
                  `${order.shippingAddress.postcode} ${order.shippingAddress.city}`,
                  order.shippingAddress.state,
                ]
                  .filter(Boolean)
                  .map((s, i) => (
                    <div key={i}>{s}</div>
                  ))}
              </address>
            </>
          ) : null}
          {order.note ? <p className="muted">“{order.note}”</p> : null}
        </section>
        <section className="card">
          <h2>{t("detail.payments")}</h2>
          {payments.length === 0 ? (
            <p className="muted">{t("detail.noPayments")}</p>
          ) : (
            <table className="data">
              <tbody>
                {payments.map((p) => (
                  <tr key={p.id} data-testid="payment-row">
                    <td>
                      {p.kind === "charge" ? t("detail.charge") : t("detail.refund")} · {p.gateway}
                      <div className="muted small">
                        {t("detail.reference")}: <code>{p.gatewayReference ?? "—"}</code>
                      </div>
                      {p.reason ? <div className="muted small">{p.reason}</div> : null}
                    </td>
                    <td className="num nowrap">{p.kind === "refund" ? `−${m(p.amountMinor)}` : m(p.amountMinor)}</td>
                    <td>
                      <span className="badge">{t(`detail.recordStatuses.${p.status}`)}</span>
                      <div className="muted small">{fmt.dateTime(p.completedAt ?? p.createdAt)}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <section className="card">
        <h2>{t("detail.actions")}</h2>
        <div className="row">
          {MANUAL_MOVES.filter((to) => canTransition(order.status, to)).map((to) => (
            <PostForm key={to} fields={{ intent: "move", to: to }}>
              <button type="submit" className="secondary" disabled={busy} data-move={to}>
                {t(to === "processing" ? "detail.markProcessing" : to === "shipped" ? "detail.markShipped" : "detail.markDelivered")}
              </button>
            </PostForm>
          ))}
        </div>
        {canTransition(order.status, "cancelled") ? (
          <PostForm className="stack" fields={{ intent: "cancel" }} confirm={t("detail.cancelConfirm")}>
            <div className="field">
              <label htmlFor="cancel-reason">{t("detail.cancelReason")}</label>
              <input id="cancel-reason" name="reason" maxLength={500} defaultValue={valuesFor("cancel").reason} />
              {errorsFor("cancel").reason ? <p className="error">{errorsFor("cancel").reason}</p> : null}
            </div>
            {paid ? (
              <>
                <label>
                  <input type="checkbox" name="restock" defaultChecked /> {t("detail.restock")}
                </label>
                <label>
                  <input type="checkbox" name="manual" /> {t("detail.manual")}
                </label>
              </>
            ) : null}
            <button type="submit" className="danger" disabled={busy} data-testid="cancel-order">
              {t("detail.cancel")}
            </button>
          </PostForm>
        ) : null}
      </section>

      {canFulfil ? (
        <section className="card">
          <h2>{t("detail.fulfil")}</h2>
          <PostForm className="stack" noValidate data-testid="fulfil-form" fields={{ intent: "fulfil" }}>
            <table className="data">
              <tbody>
                {lines.map((l) => {
                  const open = l.quantity - l.fulfilledQuantity - l.refundedQuantity;
                  if (open <= 0) return null;
                  return (
                    <tr key={l.id}>
                      <td>
                        <label htmlFor={`qty_${l.id}`}>
                          {l.title} {l.variantTitle ? <span className="muted">({variantName(l.variantTitle)})</span> : null}
                        </label>
                      </td>
                      <td>
                        <input
                          id={`qty_${l.id}`}
                          name={`qty_${l.id}`}
                          type="number"
                          min={0}
                          max={open}
                          defaultValue={fv[`qty_${l.id}`] ?? String(open)}
                          aria-label={t("detail.toSend")}
                          style={{ width: "5rem" }}
                        />
                        <span className="muted small"> / {open}</span>
                        {fe[`qty_${l.id}`] ? <p className="error">{fe[`qty_${l.id}`]}</p> : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="row">
              <div className="field">
                <label htmlFor="carrier">{t("detail.carrier")}</label>
                <select id="carrier" name="carrier" value={carrier} onChange={(e) => setCarrier(e.currentTarget.value)}>
                  {CARRIERS.map((c) => (
                    <option key={c} value={c}>
                      {c === "other" ? t("detail.otherCourier") : CARRIER_INFO[c].name}
                    </option>
                  ))}
                </select>
              </div>
              {carrier === "other" ? (
                <div className={`field${fe.carrierName ? " has-error" : ""}`}>
                  <label htmlFor="carrierName">{t("detail.carrierName")}</label>
                  <input id="carrierName" name="carrierName" defaultValue={fv.carrierName} />
                  {fe.carrierName ? <p className="error">{fe.carrierName}</p> : null}
                </div>
              ) : null}
              <div className={`field grow${fe.trackingNumber ? " has-error" : ""}`}>
                <label htmlFor="trackingNumber">{t("detail.tracking")}</label>
                <input
                  id="trackingNumber"
                  name="trackingNumber"
                  defaultValue={fv.trackingNumber}
                  placeholder={carrier in CARRIER_INFO && carrier !== "other" ? t(`detail.trackingExamples.${carrier as "jnt"}`) : ""}
                  aria-invalid={fe.trackingNumber ? true : undefined}
                />
                {fe.trackingNumber ? (
                  <p className="error" role="alert" data-field-error="trackingNumber">
                    {fe.trackingNumber}
                  </p>
                ) : null}
              </div>
            </div>
            <label>
              <input type="checkbox" name="notify" defaultChecked value="on" /> {t("detail.notify")}
            </label>
            <input type="hidden" name="notifyField" value="1" />
            <button type="submit" disabled={busy} data-testid="fulfil-submit">
              {t("detail.fulfilSubmit")}
            </button>
          </PostForm>
        </section>
      ) : null}

      {fulfilments.length ? (
        <section className="card">
          <h2>{t("detail.parcels")}</h2>
          <Tracking parcels={fulfilments} />
        </section>
      ) : null}

      {paid && available > 0 ? (
        <section className="card">
          <h2>{t("detail.refundTitle")}</h2>
          <PostForm className="stack" noValidate data-testid="refund-form" fields={{ intent: "refund" }}>
            <fieldset className="row">
              <label>
                <input type="radio" name="mode" value="full" checked={refundMode === "full"} onChange={() => setRefundMode("full")} />{" "}
                {t("detail.refundFull", { amount: m(available) })}
              </label>
              <label>
                <input type="radio" name="mode" value="lines" checked={refundMode === "lines"} onChange={() => setRefundMode("lines")} />{" "}
                {t("detail.refundLines")}
              </label>
              <label>
                <input type="radio" name="mode" value="amount" checked={refundMode === "amount"} onChange={() => setRefundMode("amount")} />{" "}
                {t("detail.refundAmount")}
              </label>
            </fieldset>
            {refundMode === "lines" ? (
              <table className="data">
                <tbody>
                  {lines.map((l) => (
                    <tr key={l.id}>
                      <td>
                        <label htmlFor={`rq_${l.id}`}>{l.title}</label> <span className="muted small">{m(l.unitPriceMinor)}</span>
                      </td>
                      <td>
                        <input
                          id={`rq_${l.id}`}
                          name={`rq_${l.id}`}
                          type="number"
                          min={0}
                          max={l.quantity - l.refundedQuantity}
                          defaultValue={rv[`rq_${l.id}`] ?? "0"}
                          style={{ width: "5rem" }}
                        />
                        {re[`rq_${l.id}`] ? <p className="error">{re[`rq_${l.id}`]}</p> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {refundMode === "amount" ? (
              <div className={`field${re.amount ? " has-error" : ""}`}>
                <label htmlFor="amount">{t("detail.amount")}</label>
                <input id="amount" name="amount" inputMode="decimal" defaultValue={rv.amount} />
                {re.amount ? <p className="error">{re.amount}</p> : null}
              </div>
            ) : null}
            <div className={`field${re.reason ? " has-error" : ""}`}>
              <label htmlFor="refund-reason">{t("detail.reason")}</label>
              <input id="refund-reason" name="reason" maxLength={500} defaultValue={rv.reason} />
              {re.reason ? <p className="error">{re.reason}</p> : null}
            </div>
            <label>
              <input type="checkbox" name="restock" defaultChecked={rv.restock === "on"} /> {t("detail.restock")}
            </label>
            <label>
              <input type="checkbox" name="manual" defaultChecked={rv.manual === "on"} /> {t("detail.manual")}
            </label>
            <button type="submit" className="secondary" disabled={busy} data-testid="refund-submit">
              {t("detail.refundSubmit")}
            </button>
          </PostForm>
        </section>
      ) : null}

      <section className="card">
        <h2>{t("detail.timeline")}</h2>
        <PostForm className="stack" fields={{ intent: "note" }}>
          <div className={`field${errorsFor("note").note ? " has-error" : ""}`}>
            <label htmlFor="note">{t("detail.note")}</label>
            <textarea id="note" name="note" rows={2} placeholder={t("detail.notePlaceholder")} defaultValue={valuesFor("note").note} />
            {errorsFor("note").note ? <p className="error">{errorsFor("note").note}</p> : null}
          </div>
          <button type="submit" className="secondary" disabled={busy}>
            {t("detail.addNote")}
          </button>
        </PostForm>
        <FormError message={undefined} />
        <ol className="timeline" data-testid="timeline">
          {[...events].reverse().map((e) => (
            <li key={e.id} data-event={e.type}>
              <div>{timelineText(e)}</div>
              <div className="muted small">
                <time dateTime={e.createdAt}>{fmt.dateTime(e.createdAt)}</time> · {e.actorName ?? t("detail.system")}
                {e.message ? (
                  <>
                    {" · "}
                    <span className="badge" data-message-status={e.message.status ?? ""}>
                      {t("detail.delivery", { status: e.message.status ? t(`detail.messageStatuses.${e.message.status}`) : "?" })}
                    </span>
                  </>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
