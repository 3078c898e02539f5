import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * While `live`, listens to the shop's job changes by server-sent events (routes/admin.progress)
 * and re-reads the page's data when one arrives (only for `tables`, when given). If the stream
 * cannot be opened, the page falls back to re-reading every few seconds; without JavaScript the
 * page's own meta refresh does the work.
 */
export function useProgressStream(live: boolean, tables?: readonly string[]) {
  const { revalidate } = useRevalidator();
  const latest = useRef(revalidate);
  latest.current = revalidate;
  const key = tables?.join(",") ?? "";
  useEffect(() => {
    if (!live) return;
    const wanted = key ? key.split(",") : null;
    let fallback: ReturnType<typeof setInterval> | undefined;
    const source = typeof EventSource === "undefined" ? null : new EventSource("/admin/progress");
    const reread = () => latest.current();
    if (!source) {
      fallback = setInterval(reread, 3000);
      return () => clearInterval(fallback);
    }
    source.addEventListener("change", (e) => {
      const { table } = JSON.parse((e as MessageEvent<string>).data) as { table: string };
      if (!wanted || wanted.includes(table)) reread();
    });
    // Opened (or opened again): anything may have changed meanwhile.
    source.addEventListener("ready", reread);
    source.addEventListener("reconnected", reread);
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !fallback) fallback = setInterval(reread, 3000);
    };
    return () => {
      source.close();
      if (fallback) clearInterval(fallback);
    };
  }, [live, key]);
}
