import { Link } from "@remix-run/react";

import { useTranslation } from "~/lib/i18n-react";
import { PostForm } from "~/ui/csrf";

type Step = { key: "product" | "payments" | "shipping" | "company" | "whatsapp" | "theme" | "order"; done: boolean; href: string };

/** The dashboard's first-run checklist: each step links to where it is done and ticks itself from the shop's data. */
export function OnboardingChecklist({ steps, canDismiss }: { steps: Step[]; canDismiss: boolean }) {
  const { t } = useTranslation("ui");
  const done = steps.filter((s) => s.done).length;
  return (
    <section className="card onboarding" data-testid="onboarding" aria-labelledby="onboarding-title">
      <div className="spread">
        <h2 id="onboarding-title">{t("onboarding.title")}</h2>
        {canDismiss ? (
          <PostForm action="/admin/onboarding">
            <button type="submit" className="link small" data-testid="dismiss-onboarding">
              {t("onboarding.dismiss")}
            </button>
          </PostForm>
        ) : null}
      </div>
      <p className="muted small">{t("onboarding.intro", { done, total: steps.length })}</p>
      <progress max={steps.length} value={done} aria-label={t("onboarding.title")} />
      <ul className="checklist">
        {steps.map((s) => (
          <li key={s.key} data-testid={`onboarding-${s.key}`} data-done={s.done ? "yes" : "no"}>
            <span className={s.done ? "done" : "todo"} aria-label={s.done ? t("onboarding.done") : t("onboarding.todo")}>
              {s.done ? "✓" : "○"}
            </span>
            {s.done ? <s>{t(`onboarding.items.${s.key}`)}</s> : <Link to={s.href}>{t(`onboarding.items.${s.key}`)}</Link>}
          </li>
        ))}
      </ul>
    </section>
  );
}
