import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";

import { storefrontShopper } from "~/domain/checkout/context.server";
import { unsubscribeByLink, unsubscribeLinkValid } from "~/flows/marketing-unsubscribed.server";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? "Unsubscribe" },
  { name: "robots", content: "noindex" },
];

/**
 * The unsubscribe link of a shop's email (app/flows/marketing-unsubscribed.server.ts). Opening it
 * only asks (link scanners open links); the button, or a mail app's one-click POST (RFC 8058,
 * body "List-Unsubscribe=One-Click", no cookies), withdraws email marketing at once. The signed
 * token in the link is the proof, so the POST needs no CSRF token and its body is not read.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await storefrontShopper(request, params.slug);
  const t = serverT(await localeFor(request), "privacy");
  const token = new URL(request.url).searchParams.get("t");
  const valid = await unsubscribeLinkValid(shop.id, params.messageId, token);
  return data(
    { title: t("unsubscribe.title"), valid, shopName: shop.name, formAction: `?t=${encodeURIComponent(token ?? "")}` },
    { status: valid ? 200 : 404, headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop } = await storefrontShopper(request, params.slug);
  const t = serverT(await localeFor(request), "privacy");
  const done = await unsubscribeByLink(shop.id, params.messageId, new URL(request.url).searchParams.get("t"));
  return data({ message: t(done ? "unsubscribe.done" : "unsubscribe.invalid") }, { status: done ? 200 : 404 });
}

export default function Unsubscribe() {
  const { valid, shopName, formAction } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("privacy");
  return (
    <section className="card medium stack" style={{ margin: "0 auto" }} data-testid="unsubscribe">
      <h1>{t("unsubscribe.title")}</h1>
      {result ? (
        <p role="status" data-testid="unsubscribe-result">
          {result.message}
        </p>
      ) : valid ? (
        <Form method="post" action={formAction} className="stack">
          <p>{t("unsubscribe.confirm", { shop: shopName })}</p>
          <button type="submit">{t("unsubscribe.button")}</button>
        </Form>
      ) : (
        <p>{t("unsubscribe.invalid")}</p>
      )}
    </section>
  );
}
