import { describe, expect, it } from "vitest";

import { ConfigError, databaseUrls, parseEnv } from "~/config.server";

const valid = {
  SESSION_SECRET: "x".repeat(40),
  DATA_ENCRYPTION_KEY: "k".repeat(40),
  DATABASE_URL: "postgres://owner:pw@127.0.0.1:5432/netshop",
  REDIS_URL: "redis://127.0.0.1:6379",
  SANDBOX_URL: "http://127.0.0.1:4010",
  S3_ENDPOINT: "https://acc0unt.r2.cloudflarestorage.com",
  S3_ACCESS_KEY_ID: "key-id",
  S3_SECRET_ACCESS_KEY: "secret",
  MEDIA_PUBLIC_BASE_URL: "https://media.example.com/",
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseEnv(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe("configuration", () => {
  it("accepts a complete environment and applies defaults", () => {
    const env = parseEnv(valid);
    expect(env.PORT).toBe(3000);
    expect(env.S3_REGION).toBe("auto");
    expect(env.KLING_BASE_URL).toBe("https://api-singapore.klingai.com");
    expect(env.S3_BUCKET).toBe("netshop-media");
    expect(env.MEDIA_PUBLIC_BASE_URL).toBe("https://media.example.com");
  });

  it("requires the S3 store and the public media address", () => {
    const { S3_ENDPOINT: _e, S3_ACCESS_KEY_ID: _k, S3_SECRET_ACCESS_KEY: _s, MEDIA_PUBLIC_BASE_URL: _m, ...noStorage } = valid;
    expect(problems(noStorage)).toEqual([
      expect.stringMatching(/^S3_ENDPOINT is required/),
      expect.stringMatching(/^S3_ACCESS_KEY_ID is required/),
      expect.stringMatching(/^S3_SECRET_ACCESS_KEY is required/),
      expect.stringMatching(/^MEDIA_PUBLIC_BASE_URL is required/),
    ]);
  });

  it("names each missing variable and says how to fix it", () => {
    const found = problems({ SANDBOX_URL: valid.SANDBOX_URL, S3_ENDPOINT: valid.S3_ENDPOINT });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SESSION_SECRET is required/),
        expect.stringMatching(/^DATABASE_URL /),
        expect.stringMatching(/^REDIS_URL /),
      ]),
    );
    const message = new ConfigError(found).message;
    expect(message).toContain("README.md");
    expect(message).toContain("npm start");
  });

  it("rejects malformed values with a specific message", () => {
    expect(problems({ ...valid, SESSION_SECRET: "short" })).toEqual([expect.stringMatching(/SESSION_SECRET must be at least 32/)]);
    expect(problems({ ...valid, DATABASE_URL: "mysql://x@y/z" })).toEqual([expect.stringMatching(/DATABASE_URL must be a postgres/)]);
    expect(problems({ ...valid, REDIS_URL: "http://x" })).toEqual([expect.stringMatching(/REDIS_URL must be a redis/)]);
    expect(problems({ ...valid, PORT: "eighty" })).toEqual([expect.stringMatching(/^PORT /)]);
    expect(problems({ ...valid, WASSENGER_DEVICE_ID: "abc" })).toEqual([
      expect.stringMatching(/WASSENGER_DEVICE_ID must be a 24-character hex/),
    ]);
  });

  it("requires a provider key or the sandbox", () => {
    const { SANDBOX_URL: _, ...noSandbox } = valid;
    expect(problems(noSandbox)).toEqual([expect.stringMatching(/WASSENGER_TOKEN is not set and neither is SANDBOX_URL/)]);
    expect(
      problems({ ...noSandbox, WASSENGER_TOKEN: "live-key", SMTP_URL: "smtps://u:p@smtp.example.com", MAIL_FROM: "Shop <a@example.com>" }),
    ).toEqual([]);
  });

  it("checks the email, code template and encryption key settings", () => {
    expect(problems({ ...valid, SMTP_URL: "smtp://u:p@smtp.example.com:587" })).toEqual([
      expect.stringMatching(/^MAIL_FROM is required with SMTP_URL/),
    ]);
    expect(problems({ ...valid, SMTP_URL: "http://smtp.example.com", MAIL_FROM: "a@example.com" })).toEqual([
      expect.stringMatching(/^SMTP_URL must be an smtp/),
    ]);
    expect(problems({ ...valid, WASSENGER_CODE_TEMPLATE: "Sign in {{code}}" })).toEqual([
      expect.stringMatching(/^WASSENGER_CODE_TEMPLATE must be a template name/),
    ]);
    expect(parseEnv({ ...valid, WASSENGER_CODE_TEMPLATE: "netshop_code:ms" }).WASSENGER_CODE_TEMPLATE).toBe("netshop_code:ms");
    expect(problems({ ...valid, DATA_ENCRYPTION_KEY: `${"a".repeat(40)},short` })).toEqual([
      expect.stringMatching(/^DATA_ENCRYPTION_KEY must be at least 32/),
    ]);
  });

  it("requires the runtime roles' password for a remote database", () => {
    const remote = { ...valid, DATABASE_URL: "postgres://owner:pw@db.internal:5432/netshop" };
    expect(problems(remote)).toEqual([expect.stringMatching(/DB_ROLE_PASSWORD is required/)]);
    const urls = databaseUrls(parseEnv({ ...remote, DB_ROLE_PASSWORD: "s3cret" }));
    expect(urls.app).toBe("postgres://netshop_app:s3cret@db.internal:5432/netshop");
    expect(urls.platform).toBe("postgres://netshop_platform:s3cret@db.internal:5432/netshop");
  });
});
