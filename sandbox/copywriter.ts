/**
 * The sandbox's "model" for product copy, shared by the OpenAI and Anthropic stand-ins. It reads
 * the language, tone and product facts out of the prompt NetShop sends and writes copy from them
 * in that language (English, Bahasa Melayu or Simplified Chinese), so what comes back is
 * plausible for the product and valid for the schema, like a real model's answer.
 */
import express, { type Router } from "express";

import { applySwitches, esc, page, switchesText } from "./html";

type Lang = "en" | "ms" | "zh";
type Tone = "friendly" | "professional" | "luxury" | "playful";

interface Facts {
  title: string;
  category?: string;
  brand?: string;
  options: Array<{ name: string; values: string[] }>;
  attributes: Array<{ name: string; value: string }>;
  imageAltTexts: string[];
  notes?: string;
}

export interface SandboxCopy {
  title: string;
  description: string;
  bulletPoints: string[];
  seoTitle: string;
  metaDescription: string;
  tags: string[];
}

const WORDS: Record<
  Lang,
  {
    openers: Record<Tone, (t: string) => string>;
    details: string;
    options: string;
    notes: string;
    seen: string;
    fillers: string[];
    seo: (t: string) => string;
    meta: (t: string, detail: string) => string;
    tags: string[];
    join: string;
  }
> = {
  en: {
    openers: {
      friendly: (t) => `Meet the ${t}, made to make your day a little easier.`,
      professional: (t) => `The ${t} is built for dependable, everyday use.`,
      luxury: (t) => `Indulge in the ${t}, crafted with uncompromising attention to detail.`,
      playful: (t) => `Say hello to the ${t}: your new favourite thing!`,
    },
    details: "Details",
    options: "Available in",
    notes: "Good to know",
    seen: "Pictured",
    fillers: [
      "Ships from Malaysia",
      "Carefully packed for safe delivery",
      "Quality checked before dispatch",
      "Friendly after-sales support",
    ],
    seo: (t) => `${t} | Buy Online in Malaysia`,
    meta: (t, d) => `Shop the ${t} online.${d ? ` ${d}.` : ""} Fast delivery across Malaysia.`,
    tags: ["malaysia", "online shopping", "gift idea"],
    join: ", ",
  },
  ms: {
    openers: {
      friendly: (t) => `Kenali ${t}, dibuat untuk memudahkan hari anda.`,
      professional: (t) => `${t} direka untuk kegunaan harian yang boleh diharap.`,
      luxury: (t) => `Nikmati ${t}, dihasilkan dengan penuh teliti pada setiap butiran.`,
      playful: (t) => `Hai! Inilah ${t}, kegemaran baharu anda!`,
    },
    details: "Butiran",
    options: "Pilihan tersedia",
    notes: "Nota penjual",
    seen: "Dalam gambar",
    fillers: [
      "Dihantar dari Malaysia",
      "Dibungkus dengan rapi",
      "Diperiksa kualitinya sebelum dihantar",
      "Khidmat selepas jualan yang mesra",
    ],
    seo: (t) => `${t} | Beli Dalam Talian di Malaysia`,
    meta: (t, d) => `Beli ${t} dalam talian.${d ? ` ${d}.` : ""} Penghantaran pantas ke seluruh Malaysia.`,
    tags: ["malaysia", "beli online", "idea hadiah"],
    join: ", ",
  },
  zh: {
    openers: {
      friendly: (t) => `认识一下${t}，让您的日常生活更轻松。`,
      professional: (t) => `${t}专为可靠的日常使用而设计。`,
      luxury: (t) => `尽享${t}，每一处细节都精心打造。`,
      playful: (t) => `嗨！${t}来啦，您的新宠！`,
    },
    details: "产品详情",
    options: "可选款式",
    notes: "卖家备注",
    seen: "图片展示",
    fillers: ["马来西亚本地发货", "精心包装，安全送达", "发货前严格质检", "贴心售后服务"],
    seo: (t) => `${t} | 马来西亚网上购买`,
    meta: (t, d) => `在线购买${t}。${d ? `${d}。` : ""}全马快速送货。`,
    tags: ["马来西亚", "网购", "送礼"],
    join: "，",
  },
};

const STOP_WORDS = new Set(["the", "and", "for", "with", "dan", "untuk", "yang", "dengan", "of", "a", "an"]);

/** Reads what NetShop's prompt says: `Language: xx`, `Tone: yy` and a ```json facts block. */
export function readCopyPrompt(text: string): { language: Lang; tone: Tone; facts: Facts } | undefined {
  const language = /^\s*Language:\s*(en|ms|zh)\b/im.exec(text)?.[1] as Lang | undefined;
  const tone = (/^\s*Tone:\s*(friendly|professional|luxury|playful)\b/im.exec(text)?.[1] ?? "friendly") as Tone;
  const block = /```json\s*([\s\S]*?)```/.exec(text)?.[1];
  if (!language || !block) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(block);
  } catch {
    return undefined;
  }
  if (typeof raw.title !== "string" || !raw.title.trim()) return undefined;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
  return {
    language,
    tone,
    facts: {
      title: raw.title.trim(),
      category: typeof raw.category === "string" ? raw.category : undefined,
      brand: typeof raw.brand === "string" ? raw.brand : undefined,
      options: Array.isArray(raw.options)
        ? raw.options.flatMap((o) => (o && typeof o.name === "string" ? [{ name: o.name, values: strings(o.values) }] : []))
        : [],
      attributes: Array.isArray(raw.attributes)
        ? raw.attributes.flatMap((a) =>
            a && typeof a.name === "string" && typeof a.value === "string" ? [{ name: a.name, value: a.value }] : [],
          )
        : [],
      imageAltTexts: strings(raw.imageAltTexts),
      notes: typeof raw.notes === "string" && raw.notes.trim() ? raw.notes.trim() : undefined,
    },
  };
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const slice = text.slice(0, max - 1);
  const space = slice.lastIndexOf(" ");
  return `${(space > max * 0.6 ? slice.slice(0, space) : slice).replace(/[\s,.;:|-]+$/, "")}…`;
}

/** Writes copy for the product in the language and tone asked for. */
export function writeCopy(language: Lang, tone: Tone, facts: Facts): SandboxCopy {
  const w = WORDS[language];
  const t = facts.title;
  const attributeText = facts.attributes.map((a) => `${a.name}: ${a.value}`).join(w.join);
  const optionText = facts.options.map((o) => `${o.name} (${o.values.join(" / ")})`).join(w.join);
  const end = language === "zh" ? "。" : ".";
  const sentences = [
    w.openers[tone](facts.brand ? `${t} (${facts.brand})` : t),
    attributeText && `${w.details}: ${attributeText}${end}`,
    optionText && `${w.options}: ${optionText}${end}`,
    facts.imageAltTexts[0] && `${w.seen}: ${facts.imageAltTexts[0]}${end}`,
    facts.notes && `${w.notes}: ${facts.notes}`,
  ].filter(Boolean);
  const bullets = [
    ...facts.attributes.slice(0, 3).map((a) => `${a.name}: ${a.value}`),
    ...facts.options.slice(0, 1).map((o) => `${o.name}: ${o.values.join(" / ")}`),
    ...w.fillers,
  ].slice(0, Math.max(3, Math.min(5, facts.attributes.length + facts.options.length + 1)));
  const titleWords = t
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 3 && !STOP_WORDS.has(word));
  const tags = [
    ...new Set([
      ...titleWords,
      facts.category?.toLowerCase(),
      facts.brand?.toLowerCase(),
      ...facts.attributes.map((a) => a.value.toLowerCase()),
      ...w.tags,
    ]),
  ]
    .filter((tag): tag is string => !!tag && tag.length <= 40)
    .slice(0, 8);
  return {
    title: cut(t, 150),
    description: sentences.join(language === "zh" ? "" : " "),
    bulletPoints: bullets.map((b) => cut(b, 200)),
    seoTitle: cut(w.seo(t), 60),
    metaDescription: cut(
      w.meta(
        t,
        facts.attributes
          .slice(0, 2)
          .map((a) => `${a.name}: ${a.value}`)
          .join(w.join),
      ),
      155,
    ),
    tags,
  };
}

/** Rough token count (about four bytes a token), for the usage figures a real API reports. */
export function tokenCount(text: string): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(text, "utf8") / 4));
}

/** Picks the keys the request's JSON schema asks for, so the answer follows the schema given. */
export function shapeToSchema(copy: SandboxCopy, schema: unknown): Record<string, unknown> {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!properties) return { ...copy };
  const out: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(properties)) {
    const value = (copy as unknown as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
    else
      out[key] =
        (definition as { type?: string })?.type === "array" ? [] : (definition as { type?: string })?.type === "string" ? copy.title : null;
  }
  return out;
}

/**
 * The checks OpenAI applies to a strict json_schema: an object root, `additionalProperties: false`
 * on every object, and every property listed in `required`. Returns the first problem.
 */
export function strictSchemaProblem(schema: unknown, path = "root"): string | undefined {
  if (!schema || typeof schema !== "object") return `${path}: schema must be an object`;
  const s = schema as Record<string, unknown>;
  if (path === "root" && s.type !== "object") return "root: schema must be a JSON Schema of 'type: \"object\"'";
  if (s.type === "object") {
    if (s.additionalProperties !== false) return `In context=(${path}), 'additionalProperties' is required to be supplied and to be false`;
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(s.required) ? s.required : [];
    const missing = Object.keys(properties).filter((k) => !required.includes(k));
    if (missing.length)
      return `In context=(${path}), 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'`;
    for (const [key, child] of Object.entries(properties)) {
      const problem = strictSchemaProblem(child, `${path}, ${key}`);
      if (problem) return problem;
    }
  }
  if (s.type === "array" && s.items) return strictSchemaProblem(s.items, `${path}, items`);
  return undefined;
}

/** The text of a prompt part: a string, or messages / content blocks as the APIs allow. */
export function inputText(input: unknown): string {
  if (typeof input === "string") return input;
  if (Array.isArray(input)) return input.map((part) => inputText(part)).join("\n");
  if (input && typeof input === "object") {
    const o = input as { text?: unknown; content?: unknown };
    if (typeof o.text === "string") return o.text;
    if (o.content !== undefined) return inputText(o.content);
  }
  return "";
}

/** One request to a copy stand-in, as its readable page lists it. */
export interface LoggedRequest {
  at: string;
  endpoint: string;
  model: string;
  language?: string;
  product?: string;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
}

export function requestTable(requests: LoggedRequest[]): string {
  const rows = requests
    .slice()
    .reverse()
    .map(
      (q) =>
        `<tr><td class="muted">${esc(new Date(q.at).toLocaleTimeString())}</td><td><code>${esc(q.endpoint)}</code></td><td>${esc(q.model)}</td><td>${esc(q.product ?? "—")}</td><td>${esc(q.language ?? "—")}</td><td>${esc(q.outcome)}</td><td>${q.inputTokens} / ${q.outputTokens}</td></tr>`,
    )
    .join("");
  return `<table><thead><tr><th>When</th><th>Endpoint</th><th>Model</th><th>Product</th><th>Language</th><th>Outcome</th><th>Tokens in / out</th></tr></thead><tbody>${rows || `<tr><td colspan="7" class="muted">No requests yet.</td></tr>`}</tbody></table>`;
}

/** The readable page and `_control` endpoints of a copy stand-in (mounted at /openai, /anthropic). */
export function copyStandInTools(
  standIn: { switches: object; requests: LoggedRequest[]; reset(): void },
  heading: string,
  intro: string,
): Router {
  const r = express.Router();
  r.use(express.json());
  r.get("/", (_req, res) => {
    res
      .type("html")
      .send(
        page(
          heading,
          `<h1>${esc(heading)}</h1><p class="muted">${intro}</p><p class="muted">Switches: ${switchesText(standIn.switches)}</p>\n${requestTable(standIn.requests)}`,
          { refreshSeconds: 5 },
        ),
      );
  });
  r.get("/_control", (_req, res) => res.json({ switches: standIn.switches, requests: standIn.requests }));
  r.post("/_control", (req, res) => {
    const body = req.body ?? {};
    if (body.reset) standIn.reset();
    applySwitches(standIn.switches, body);
    res.json({ switches: standIn.switches });
  });
  return r;
}
