/**
 * A response's text, as a page reader sees it. An event stream (`/admin/progress`) never ends by
 * design: its body is cancelled and read as empty, so walking every route cannot hang on it.
 */
export async function pageText(res: Response): Promise<string> {
  if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    await res.body?.cancel();
    return "";
  }
  return res.clone().text();
}
