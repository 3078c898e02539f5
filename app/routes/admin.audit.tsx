import type { MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { adminLoader } from "~/domain/accounts/access.server";
import { listMembers } from "~/domain/accounts/staff.server";
import { AUDIT_CATEGORIES, type AuditCategory, listAuditLog } from "~/domain/audit/audit.server";
import { getShop } from "~/domain/shops/shops.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { uuidField } from "~/lib/ids";
import { describeDevice } from "~/lib/user-agent.server";
import { useFormat } from "~/ui/format";
import { TableHead } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "team")("audit.meta") }];

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);
const FiltersSchema = z.object({
  category: z
    .enum(Object.keys(AUDIT_CATEGORIES) as [AuditCategory, ...AuditCategory[]])
    .optional()
    .catch(undefined),
  actor: uuidField().optional().catch(undefined),
  from: date,
  to: date,
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});

export const loader = /* @__PURE__ */ adminLoader("owner", async ({ request, access }) => {
  const query = FiltersSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [shop, members] = await Promise.all([getShop(access.shop.shopId), listMembers(access.shop.shopId)]);
  const log = await listAuditLog(access.shop.shopId, shop.timezone, {
    category: query.category,
    actorUserId: query.actor,
    from: query.from,
    to: query.to,
    page: query.page,
  });
  return {
    timezone: shop.timezone,
    members: members.map((m) => ({ id: m.userId, name: m.name })),
    categories: Object.keys(AUDIT_CATEGORIES) as AuditCategory[],
    page: log.page,
    hasMore: log.hasMore,
    entries: log.entries.map((e) => ({
      id: e.id,
      action: e.action,
      at: e.createdAt.toISOString(),
      actor: e.actorName ? `${e.actorName} (${e.actorEmail})` : "NetShop",
      targetType: e.targetType,
      targetId: e.targetId ? e.targetId.slice(0, 8) : "",
      ip: e.ip,
      device: e.userAgent ? describeDevice(e.userAgent) : "",
      before: e.before === null ? null : JSON.stringify(e.before, null, 2),
      after: e.after === null ? null : JSON.stringify(e.after, null, 2),
    })),
  };
});

export default function AuditLog() {
  const { entries, members, categories, timezone, page, hasMore } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("team");
  const fmt = useFormat();
  const pageLink = (n: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(n));
    return `?${next}`;
  };
  return (
    <div className="stack">
      <div>
        <p className="eyebrow">{t("audit.owner")}</p>
        <h1>{t("audit.heading")}</h1>
        <p className="muted">{t("audit.intro", { zone: timezone })}</p>
      </div>
      <Form method="get" className="row card" style={{ alignItems: "flex-end" }}>
        <label className="field">
          {t("audit.what")}
          <select name="category" defaultValue={params.get("category") ?? ""}>
            <option value="">{t("audit.everything")}</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {t(`audit.category.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t("audit.who")}
          <select name="actor" defaultValue={params.get("actor") ?? ""}>
            <option value="">{t("audit.anyone")}</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t("audit.from")} <input type="date" name="from" defaultValue={params.get("from") ?? ""} />
        </label>
        <label className="field">
          {t("audit.to")} <input type="date" name="to" defaultValue={params.get("to") ?? ""} />
        </label>
        <button type="submit">{t("audit.filter")}</button>
      </Form>
      <table className="data" data-testid="audit-log">
        <TableHead columns={[t("audit.when"), t("audit.who"), t("audit.what"), t("audit.place"), t("audit.beforeAfter")]} />
        <tbody>
          {entries.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                {t("audit.nothing")}
              </td>
            </tr>
          ) : null}
          {entries.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td className="small">
                <time dateTime={e.at}>{fmt.dateTime(e.at, { style: "dateTimeSeconds" })}</time>
              </td>
              <td className="small">{e.actor}</td>
              <td>
                <code>{e.action}</code>
                <div className="muted small">
                  {e.targetType ? t(`audit.target.${e.targetType}` as "audit.target.user", { defaultValue: e.targetType }) : null}{" "}
                  <span translate="no">{e.targetId}</span>
                </div>
              </td>
              <td className="small">
                {e.ip}
                <div className="muted">{e.device}</div>
              </td>
              <td className="small">
                {e.before || e.after ? (
                  <details>
                    <summary>{t("audit.show")}</summary>
                    {e.before ? (
                      <pre>
                        {t("audit.before")} <span translate="no">{e.before}</span>
                      </pre>
                    ) : null}
                    {e.after ? (
                      <pre>
                        {t("audit.after")} <span translate="no">{e.after}</span>
                      </pre>
                    ) : null}
                  </details>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        {page > 1 ? <Link to={pageLink(page - 1)}>{t("audit.newer")}</Link> : null}
        {hasMore ? <Link to={pageLink(page + 1)}>{t("audit.older")}</Link> : null}
      </div>
    </div>
  );
}
