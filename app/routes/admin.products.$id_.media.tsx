import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { limitsInLanguage } from "~/domain/billing/limit-refusals.server";
import { getProduct } from "~/domain/catalog/products.server";
import {
  completeUpload,
  deleteMedia,
  listProductMedia,
  makeCover,
  reorderMedia,
  requestUpload,
  reviewGeneratedMedia,
  updateMediaAlt,
} from "~/domain/media/media.server";
import { readForm } from "~/lib/csrf.server";
import { notFound } from "~/lib/http";
import { localeFor, serverT } from "~/lib/i18n.server";
import { redirect } from "~/lib/redirect.server";

/**
 * The media manager's actions (a resource route: no page of its own). The browser's uploader asks for a presigned PUT
 * (`request-upload`), sends the file straight to the bucket, then reports `complete`; those two
 * answer JSON. Alt text, order, cover and delete are plain forms that come back to the editor.
 */
export const action = /* @__PURE__ */ adminAction("products", async ({ request, params, access }) => {
  const { shop } = access;
  const productId = params.id ?? "";
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const mediaId = String(form.get("mediaId") ?? "");
  const back = redirect(`/admin/products/${productId}#media`);

  switch (intent) {
    case "request-upload": {
      const result = await limitsInLanguage(
        request,
        await requestUpload(shop.shopId, productId, {
          filename: form.get("filename"),
          contentType: form.get("contentType"),
          size: form.get("size"),
        }),
      );
      if (!result) throw notFound("This product does not exist in your shop.");
      if (!result.ok) return Response.json({ error: result.errors.form }, { status: result.status });
      return Response.json({ mediaId: result.mediaId, upload: result.upload });
    }
    case "complete": {
      const result = await completeUpload(shop.shopId, productId, mediaId);
      if (!result) throw notFound("This product does not exist in your shop.");
      return result.ok ? Response.json({ status: result.status }) : Response.json({ error: result.errors.form }, { status: 422 });
    }
    case "alt":
      if (!(await updateMediaAlt(shop.shopId, productId, mediaId, String(form.get("alt") ?? ""))))
        throw notFound("This product does not exist in your shop.");
      return back;
    case "cover":
      if (!(await makeCover(shop.shopId, productId, mediaId))) throw notFound("This product does not exist in your shop.");
      return back;
    case "move": {
      const media = await listProductMedia(shop.shopId, productId);
      const at = media.findIndex((m) => m.id === mediaId);
      if (at < 0) throw notFound("This product does not exist in your shop.");
      const to = form.get("direction") === "left" ? at - 1 : at + 1;
      if (to >= 0 && to < media.length) {
        const order = media.map((m) => m.id);
        [order[at], order[to]] = [order[to], order[at]];
        await reorderMedia(shop.shopId, productId, order);
      }
      return back;
    }
    case "approve":
    case "reject":
      // AI-made media (try-on, video): approve puts it on the storefront, reject deletes it.
      if (!(await reviewGeneratedMedia(shop.shopId, productId, mediaId, intent))) throw notFound("This media is not waiting for approval.");
      return back;
    case "delete":
      if (!(await deleteMedia(shop.shopId, productId, mediaId))) throw notFound("This product does not exist in your shop.");
      return back;
    default:
      return Response.json({ error: "Unknown media action." }, { status: 400 });
  }
});

/**
 * No page of its own, but a browser can land here: reloading after a form of the media manager was
 * answered with an error (the address bar then shows this URL), going back to it, or a no-JavaScript
 * browser after a refused post. A 404 there (once seen by the 简体中文 journey) helped nobody: the
 * product's media section is where these forms live, so a GET goes there.
 */
export const loader = /* @__PURE__ */ adminLoader("products", async ({ request, params, access }) => {
  const productId = params.id ?? "";
  if (!(await getProduct(access.shop.shopId, productId))) throw notFound(serverT(await localeFor(request), "catalog")("media.noProduct"));
  return redirect(`/admin/products/${productId}#media`);
});
