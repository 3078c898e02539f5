import { z } from "zod";

/**
 * Every environment variable NetShop reads, parsed once. Nothing else in the code base reads
 * process.env for configuration: import `config()` instead.
 *
 * Provider keys are optional on purpose: an unset key means "use the sandbox stand-in at
 * SANDBOX_URL", and the admin says so plainly (see `providerModes()`).
 */

const url = z.string().url("must be a full URL (scheme://host…)");
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const optionalUrl = optionalString.pipe(url.optional());
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /**
     * Web processes serving PORT together (node's cluster: one primary hands connections to
     * them in turn). Default: the machine's cores, so a busy shop uses all of them.
     */
    WEB_PROCESSES: z.coerce.number().int().min(1).max(64).optional(),
    /** The address customers and providers reach this app at (links, callbacks, webhooks). */
    PUBLIC_URL: optionalUrl,
    /** Number of proxy hops to trust for client IP and protocol (Express "trust proxy"). */
    TRUST_PROXY: z.coerce.number().int().min(0).default(0),

    SESSION_SECRET: z.string({ error: "is required" }).min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)"),
    /**
     * Key for data encrypted at rest (authenticator seeds) and keyed hashes of one-time codes.
     * Comma-separated to rotate: the first encrypts, every one decrypts.
     */
    DATA_ENCRYPTION_KEY: z
      .string({ error: "is required" })
      .refine(
        (v) => v.split(",").every((k) => k.trim().length >= 32),
        "must be at least 32 characters per key (e.g. `openssl rand -hex 32`)",
      ),
    /** Requests per minute one address may make to public pages (storefront, login, sign-up…). */
    RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().min(1).default(300),

    /** Owner/migration connection. The app itself connects as the two runtime roles below. */
    DATABASE_URL: url.refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// URL"),
    /** Connection for tenant code (withShop): a role that row-level security constrains. */
    DATABASE_APP_URL: optionalUrl,
    /** Connection for platform-level code (asPlatform): sign-up, outbox dispatch, operators. */
    DATABASE_PLATFORM_URL: optionalUrl,
    /** Password the migrator gives the runtime roles when their URLs are derived. */
    DB_ROLE_PASSWORD: optionalString,
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),

    REDIS_URL: url.refine((v) => /^rediss?:\/\//.test(v), "must be a redis:// or rediss:// URL"),
    /** Key prefix for queues, so several environments can share one Redis. */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]+$/i)
      .default("netshop"),

    /** S3 API endpoint: `https://<account>.r2.cloudflarestorage.com` for R2 (npm start fills in its local store). */
    S3_ENDPOINT: url,
    S3_REGION: z.string().default("auto"),
    S3_ACCESS_KEY_ID: z.string({ error: "is required" }).trim().min(1, "is required"),
    S3_SECRET_ACCESS_KEY: z.string({ error: "is required" }).trim().min(1, "is required"),
    S3_BUCKET: z.string().min(3).default("netshop-media"),
    S3_FORCE_PATH_STYLE: bool,
    /** Public base URL media are served from (R2 public bucket domain or CDN), without a trailing slash. */
    MEDIA_PUBLIC_BASE_URL: url.transform((v) => v.replace(/\/+$/, "")),

    /** Base URL of the provider sandbox; used for every provider whose key is unset. */
    SANDBOX_URL: optionalUrl,

    WASSENGER_TOKEN: optionalString,
    WASSENGER_BASE_URL: url.default("https://api.wassenger.com/v1"),
    WASSENGER_DEVICE_ID: optionalString.pipe(
      z
        .string()
        .regex(/^[a-f0-9]{24}$/i, "must be a 24-character hex device id")
        .optional(),
    ),
    /** Secret path token (and HMAC key) for Wassenger's webhook. */
    WASSENGER_WEBHOOK_SECRET: optionalString,
    /**
     * Approved WhatsApp template for sign-in codes on WhatsApp Business numbers, as
     * `name` or `name:language` (default language en); the code is its body parameter {{1}}
     * and its copy-code button's parameter.
     */
    WASSENGER_CODE_TEMPLATE: optionalString.pipe(
      z
        .string()
        .regex(
          /^[a-z0-9_]{1,512}(:[a-zA-Z]{2,3}(_[a-zA-Z]{2,4})?)?$/,
          "must be a template name, optionally with :language (e.g. netshop_code:en)",
        )
        .optional(),
    ),

    /** SMTP server for email, e.g. smtps://user:password@smtp.example.com:465; unset → the sandbox. */
    SMTP_URL: optionalString.pipe(
      z
        .string()
        .regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL")
        .optional(),
    ),
    /** Sender of NetShop's emails, e.g. `NetShop <no-reply@example.com>`. */
    MAIL_FROM: optionalString,

    OPENAI_API_KEY: optionalString,
    /** An OpenAI-compatible server (e.g. a local model server) instead of api.openai.com/v1. */
    OPENAI_BASE_URL: optionalUrl,
    /** Model for product copy when the shop has not chosen one. */
    OPENAI_MODEL: z.string().trim().min(1).default("gpt-4.1-mini"),
    ANTHROPIC_API_KEY: optionalString,
    /** Anthropic API root without /v1 (the SDK adds it). */
    ANTHROPIC_BASE_URL: optionalUrl,
    ANTHROPIC_MODEL: z.string().trim().min(1).default("claude-haiku-4-5"),

    KLING_ACCESS_KEY: optionalString,
    KLING_SECRET_KEY: optionalString,
    KLING_BASE_URL: url.default("https://api-singapore.klingai.com"),
    /**
     * Kling tasks this deployment runs at once per kind (try-on, video): the queues' global
     * concurrency, kept at or under the Kling account's concurrent-task limit.
     */
    KLING_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(3),

    /**
     * PaySeller's live API address. PaySeller publishes no public API, so there is no default:
     * shops can use PaySeller live only once this is set from its merchant spec.
     */
    PAYSELLER_BASE_URL: optionalUrl,
    AUTOCOUNT_BASE_URL: url.default("https://accounting-api.autocountcloud.com"),

    /**
     * NetShop's own gateway account, through which shops pay their platform invoices. Unset
     * credentials → the gateway's sandbox stand-in. PaySeller: merchant id, API key and checksum
     * key; Billplz: secret key, collection id and X-Signature key.
     */
    BILLING_GATEWAY: z.enum(["payseller", "billplz"]).default("payseller"),
    BILLING_PAYSELLER_MERCHANT_ID: optionalString,
    BILLING_PAYSELLER_API_KEY: optionalString,
    BILLING_PAYSELLER_CHECKSUM_KEY: optionalString,
    BILLING_BILLPLZ_SECRET_KEY: optionalString,
    BILLING_BILLPLZ_COLLECTION_ID: optionalString,
    BILLING_BILLPLZ_X_SIGNATURE_KEY: optionalString,
    /** The platform's legal name and address on its invoices to shops. */
    PLATFORM_COMPANY_NAME: z.string().trim().min(1).default("NetShop Sdn. Bhd."),
    PLATFORM_COMPANY_ADDRESS: optionalString,
    /** SST registration number: when set, platform invoices show SST at SST_RATE_PERCENT. */
    SST_REGISTRATION_NUMBER: optionalString,
    SST_RATE_PERCENT: z.coerce.number().min(0).max(100).default(8),

    /** Runs the outbox dispatcher and processors in this many parallel jobs per queue. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(5),
    /**
     * A worker's lock on a running job (renewed at half this while the job runs). When a worker
     * dies, another takes its jobs up within about WORKER_LOCK_MS + WORKER_STALLED_CHECK_MS: the
     * bound on recovery from a killed worker.
     */
    WORKER_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    /** How often each worker looks for jobs whose lock lapsed (their worker died) to take them up again. */
    WORKER_STALLED_CHECK_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
    /** How many times a job may be orphaned by a dying worker before BullMQ fails it (its outbox row then records the failure). */
    WORKER_MAX_STALLED: z.coerce.number().int().min(1).max(100).default(5),
    /**
     * bcrypt's cost factor for new password hashes (each step doubles the work). 12 in production;
     * the test suite sets 4 so that hundreds of sign-ups do not race a busy CPU (what is tested is
     * the same: hashing, comparing, the dummy hash for unknown accounts).
     */
    PASSWORD_HASH_COST: z.coerce.number().int().min(4).max(15).default(12),
    /** How often a worker process checks that Redis still holds the outbox's unfinished jobs and the schedulers. */
    OUTBOX_RECONCILE_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.PASSWORD_HASH_COST < 10) {
      ctx.addIssue({ code: "custom", path: ["PASSWORD_HASH_COST"], message: "PASSWORD_HASH_COST must be at least 10 in production" });
    }
    const needsSandbox = (name: string, set: boolean) => {
      if (!set && !env.SANDBOX_URL) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `is not set and neither is SANDBOX_URL: set ${name} for the real provider, or SANDBOX_URL to use the sandbox`,
        });
      }
    };
    needsSandbox("WASSENGER_TOKEN", !!env.WASSENGER_TOKEN);
    if (env.SMTP_URL && !env.MAIL_FROM) {
      ctx.addIssue({ code: "custom", path: ["MAIL_FROM"], message: "is required with SMTP_URL (e.g. NetShop <no-reply@example.com>)" });
    }
    if ((!env.DATABASE_APP_URL || !env.DATABASE_PLATFORM_URL) && /^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
      const u = new URL(env.DATABASE_URL);
      const isLocal = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(u.hostname);
      if (!env.DB_ROLE_PASSWORD && !isLocal) {
        ctx.addIssue({
          code: "custom",
          path: ["DB_ROLE_PASSWORD"],
          message: "is required when DATABASE_APP_URL / DATABASE_PLATFORM_URL are not given (the runtime roles' password)",
        });
      }
    }
    if (env.KLING_ACCESS_KEY && !env.KLING_SECRET_KEY) {
      ctx.addIssue({ code: "custom", path: ["KLING_SECRET_KEY"], message: "is required with KLING_ACCESS_KEY" });
    }
    if (env.KLING_SECRET_KEY && !env.KLING_ACCESS_KEY) {
      ctx.addIssue({ code: "custom", path: ["KLING_ACCESS_KEY"], message: "is required with KLING_SECRET_KEY" });
    }
    // A base URL without a key would silently fall back to the sandbox: say so instead.
    for (const [base, key] of [
      ["OPENAI_BASE_URL", "OPENAI_API_KEY"],
      ["ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"],
    ] as const) {
      if (env[base] && !env[key]) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `is required with ${base} (a local server that needs no key accepts any value, e.g. "local")`,
        });
      }
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      "NetShop cannot start: its configuration is incomplete.\n" +
        problems.map((p) => `  - ${p}`).join("\n") +
        "\nSet these in the environment (see the configuration table in README.md), " +
        "or run `npm start` with nothing set to use the embedded default.",
    );
    this.name = "ConfigError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join(".") || "environment";
        const received = source[name];
        const message = issue.code === "invalid_type" && received === undefined ? "is required" : issue.message;
        return `${name} ${message}`;
      }),
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** The parsed configuration; parsed on first use, then shared. */
export function config(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The runtime role connection strings, derived from DATABASE_URL unless given. */
export function databaseUrls(env: Env = config()) {
  const derive = (role: string) => {
    const u = new URL(env.DATABASE_URL);
    u.username = role;
    u.password = env.DB_ROLE_PASSWORD ?? "";
    return u.toString();
  };
  return {
    owner: env.DATABASE_URL,
    app: env.DATABASE_APP_URL ?? derive(DB_ROLES.app),
    platform: env.DATABASE_PLATFORM_URL ?? derive(DB_ROLES.platform),
  };
}

export const DB_ROLES = {
  /** Tenant code runs as this role: row-level security always applies to it. */
  app: "netshop_app",
  /** Platform-level code runs as this role: it has explicit policies that span shops. */
  platform: "netshop_platform",
} as const;

export function publicUrl(env: Env = config()): string {
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
}

/** Which providers are real and which are the sandbox, for the admin's plain-words banner. */
export function providerModes(env: Env = config()) {
  return {
    wassenger: env.WASSENGER_TOKEN ? "live" : "sandbox",
    openai: env.OPENAI_API_KEY ? "live" : "sandbox",
    anthropic: env.ANTHROPIC_API_KEY ? "live" : "sandbox",
    kling: env.KLING_ACCESS_KEY ? "live" : "sandbox",
    email: env.SMTP_URL ? "live" : "sandbox",
    storage: /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(env.S3_ENDPOINT) ? "local" : "configured",
  } as const;
}

/** The subset the migrator needs: it runs before the app and without its other settings. */
export function migrationConfig(source: Record<string, string | undefined> = process.env) {
  const result = z
    .object({
      DATABASE_URL: z
        .string({ error: "is required" })
        .regex(/^postgres(ql)?:\/\/.+/, "must be a postgres:// URL, e.g. postgres://user:password@127.0.0.1:5432/netshop"),
      DB_ROLE_PASSWORD: optionalString,
    })
    .safeParse(source);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".")} ${i.message}`));
  }
  return result.data;
}
