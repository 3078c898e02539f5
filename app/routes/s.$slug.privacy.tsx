import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";

import { storefrontShopper } from "~/domain/checkout/context.server";
import { guestDetails, startGuestContactChange } from "~/domain/privacy/corrections.server";
import { finishGuestProof, forgetGuestProof, guestProofCookie, provenGuest, startGuestProof } from "~/domain/privacy/guest.server";
import { privacyIntent } from "~/domain/privacy/page-actions.server";
import { requestsOf } from "~/domain/privacy/requests.server";
import { confirmGuestContactOnOrders, correctGuestAddressOnOrders, correctGuestNameOnOrders } from "~/flows/guest-corrected.server";
import { readForm } from "~/lib/csrf.server";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatPhone } from "~/lib/phone";
import { redirect } from "~/lib/redirect.server";
import type { HydrateHandle } from "~/root";
import { CsrfInput, Field, FormError, PostForm } from "~/ui/forms";
import { AddressCorrectionFields, OwnDetailsForms, type PendingContact, PrivacyNotice, PrivacyRequests, requestView } from "~/ui/privacy";

// An export in progress is followed live (server-sent events): the client runs here.
export const handle: HydrateHandle = { hydrate: true };

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? "Privacy" },
  { name: "robots", content: "noindex" },
];

const shown = (contact: string) => (contact.startsWith("+") ? formatPhone(contact) : contact);

/** A guest buyer's data rights in one shop, after proving a contact their orders carry (app/domain/privacy/guest.server.ts). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await storefrontShopper(request, params.slug);
  const locale = await localeFor(request);
  const contact = await provenGuest(request, shop.id);
  const requests = contact ? await requestsOf({ kind: "guest", shopId: shop.id, contact }) : [];
  const details = contact ? await guestDetails(shop.id, contact) : null;
  return data(
    {
      slug: shop.slug,
      title: serverT(locale, "privacy")("guest.title"),
      contact: contact ? shown(contact) : null,
      details: details && { ...details, phone: details.phone ? formatPhone(details.phone) : null },
      requests: requests.map(requestView),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

type ActionResult = { notice: string | null; errors: Record<string, string>; pendingContact: string | null; pending?: PendingContact };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { shop } = await storefrontShopper(request, params.slug);
  const form = await readForm(request);
  const locale = await localeFor(request);
  const t = serverT(locale, "privacy");
  const page = `/s/${shop.slug}/privacy`;
  const intent = form.get("intent");
  const fail = (errors: Record<string, string>, status: number, pendingContact: string | null = null) =>
    data<ActionResult>({ notice: null, errors, pendingContact }, { status });

  if (intent === "send-code") {
    const started = await startGuestProof(shop.id, form.get("contact"), { ip: context.ip ?? null, locale });
    if (!started.ok) return fail({ contact: t(started.error) }, started.error === "guest.tooMany" ? 429 : 400);
    return data<ActionResult>({ notice: t("guest.sent"), errors: {}, pendingContact: started.contact });
  }
  if (intent === "verify") {
    const pending = String(form.get("contact") ?? "");
    const finished = await finishGuestProof(shop.id, { contact: pending, code: form.get("code") }, { ip: context.ip ?? null });
    if (!finished.ok) return fail({ code: t(finished.error) }, finished.error === "guest.tooMany" ? 429 : 400, pending);
    return redirect(page, { headers: { "Set-Cookie": finished.setCookie } });
  }
  if (intent === "forget") return redirect(page, { headers: { "Set-Cookie": await forgetGuestProof() } });

  const contact = await provenGuest(request, shop.id);
  if (!contact) return fail({ form: t("guest.expired") }, 403);
  const done = (notice: string, pending: PendingContact = null) =>
    data<ActionResult>({ notice, errors: {}, pendingContact: null, pending });
  const refused = (errors: Record<string, string>, status = 400, pending: PendingContact = null) =>
    data<ActionResult>({ notice: null, errors, pendingContact: null, pending }, { status });
  if (intent === "correct") {
    const result = await correctGuestNameOnOrders(shop.id, contact, Object.fromEntries(form));
    return result.ok
      ? done(t("correct.saved"))
      : refused(Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v as "correct.errors.name")])));
  }
  const change = /^(email|phone)-(code|confirm)$/.exec(String(intent ?? ""));
  if (change) {
    const field = change[1] as "email" | "phone";
    if (change[2] === "code") {
      const started = await startGuestContactChange(shop.id, contact, field, form.get(field), { ip: context.ip ?? null, locale });
      return started.ok
        ? done(t("codeSent", { contact: shown(started.contact) }), { field, contact: started.contact })
        : refused({ [started.field]: t(started.error) }, started.error === "correct.errors.tooMany" ? 429 : 400);
    }
    const pending = String(form.get("contact") ?? "");
    const confirmed = await confirmGuestContactOnOrders(shop.id, contact, field, { contact: pending, code: form.get("code") });
    if (!confirmed.ok) return refused({ [confirmed.field]: t(confirmed.error) }, 400, { field, contact: pending });
    // The guest replaced the contact they proved: the proof follows it to the new one.
    if (confirmed.proven !== contact)
      return data<ActionResult>(
        { notice: t("correct.saved"), errors: {}, pendingContact: null },
        { headers: { "Set-Cookie": await guestProofCookie(shop.id, confirmed.proven) } },
      );
    return done(t("correct.saved"));
  }
  if (intent === "address-save") {
    const saved = await correctGuestAddressOnOrders(shop.id, contact, Object.fromEntries(form));
    if (saved.ok) return done(t("correct.saved"));
    const status = saved.errors.form ? 404 : 400;
    return refused(
      Object.fromEntries(Object.entries(saved.errors).map(([k, v]) => [k === "form" ? k : `${String(form.get("orderId"))}.${k}`, t(v)])),
      status,
    );
  }
  const result = await privacyIntent({ kind: "guest", shopId: shop.id, contact }, form, { contact, locale });
  if (!result.ok) return fail(Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v)])), result.status);
  if (result.redirectTo) return redirect(result.redirectTo);
  return data<ActionResult>({ notice: result.notice ? t(result.notice) : null, errors: {}, pendingContact: null });
}

export default function GuestPrivacyPage() {
  const { contact, details, requests } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const { t } = useTranslation("privacy");
  return (
    <section className="stack" data-testid="guest-privacy">
      <h1>{t("guest.title")}</h1>
      <PrivacyNotice notice={result?.notice} />
      <FormError message={errors.form} />
      {contact ? (
        <>
          <div className="spread">
            <p data-testid="guest-verified">{t("guest.verified", { contact })}</p>
            <PostForm>
              <button type="submit" name="intent" value="forget" className="secondary">
                {t("guest.forget")}
              </button>
            </PostForm>
          </div>
          <p>{t("intro")}</p>
          {details ? (
            <section className="card stack" data-testid="privacy-correct">
              <h2>{t("correct.heading")}</h2>
              <p className="muted">{[details.email, details.phone].filter(Boolean).join(" · ")}</p>
              <p className="muted small">{t("guest.correctHint")}</p>
              <OwnDetailsForms name={details.name} pending={result?.pending ?? null} errors={errors} />
            </section>
          ) : null}
          {details?.addresses.length ? (
            <section className="card stack" data-testid="privacy-addresses">
              <h2>{t("guest.addresses")}</h2>
              {details.addresses.map(({ orderId, orderNumbers, address }) => (
                <PostForm key={orderId} className="stack" fields={{ orderId: orderId }}>
                  <p className="muted small">{t("guest.addressOrders", { orders: orderNumbers.map((n) => `#${n}`).join(", ") })}</p>
                  <AddressCorrectionFields id={orderId} address={address} errors={errors} />
                  <button type="submit" name="intent" value="address-save">
                    {t("correct.save")}
                  </button>
                </PostForm>
              ))}
            </section>
          ) : null}
          <PrivacyRequests requests={requests} errors={errors} />
        </>
      ) : result?.pendingContact ? (
        <PostForm className="card stack" fields={{ contact: result.pendingContact }}>
          <Field label={t("guest.code")} name="code" inputMode="numeric" autoComplete="one-time-code" error={errors.code} required />
          <button type="submit" name="intent" value="verify">
            {t("guest.verify")}
          </button>
        </PostForm>
      ) : (
        <Form method="post" className="card stack">
          <p>{t("guest.intro")}</p>
          <CsrfInput />
          <Field label={t("guest.contact")} name="contact" autoComplete="email" error={errors.contact} required />
          <button type="submit" name="intent" value="send-code">
            {t("guest.send")}
          </button>
        </Form>
      )}
    </section>
  );
}
