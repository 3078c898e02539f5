import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";

/**
 * Product descriptions are Markdown (HTML inside it is allowed, e.g. from a Shopify CSV). We
 * render once on save and keep only the sanitised HTML for serving: an allow-list of formatting
 * elements, links limited to http(s)/mailto/tel and opened safely, no scripts, styles, event
 * handlers, frames or forms.
 */
const markdown = new Marked({ gfm: true, breaks: true, async: false });

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "sub",
    "sup",
    "small",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
  ],
  allowedAttributes: {
    a: ["href", "title"],
    img: ["src", "alt", "title", "width", "height"],
    th: ["align"],
    td: ["align"],
  },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: ["https"] },
  allowProtocolRelative: false,
  // h1 is the product title's: demote description headings.
  transformTags: {
    h1: "h2",
    a: sanitizeHtml.simpleTransform("a", { rel: "nofollow noopener noreferrer", target: "_blank" }),
  },
  disallowedTagsMode: "discard",
};

/** Markdown (or HTML) → HTML that is safe to put on a page as is. */
export function renderDescription(source: string): string {
  const html = markdown.parse(source) as string;
  return sanitizeHtml(html, {
    ...OPTIONS,
    allowedAttributes: { ...OPTIONS.allowedAttributes, a: ["href", "title", "rel", "target"] },
  }).trim();
}

/** Cleans HTML given as a description source (CSV "Body (HTML)"), keeping it Markdown-compatible. */
export function sanitizeDescriptionHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}
