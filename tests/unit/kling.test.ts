import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  describeTaskFailure,
  KLING_TOKEN_REFRESH_MARGIN_SECONDS,
  klingBackoffMs,
  klingBodies,
  KlingClient,
  KlingError,
  klingImageField,
  parseKlingCallback,
  signKlingJwt,
} from "~/integrations/kling.server";
import { imageInfo } from "~/lib/image-info";

import { encodePng } from "../../sandbox/png";

const png = (width: number, height: number) => encodePng(width, height, (x, y) => [x % 256, y % 256, 128]);
const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

function errorOf(fn: () => unknown): KlingError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KlingError);
    return error as KlingError;
  }
  throw new Error("expected a KlingError");
}

describe("Kling JWT", () => {
  it("is HS256 over header.payload with the secret key, iss = access key, exp = now + 1800, nbf = now - 5", () => {
    const token = signKlingJwt("ak-123", "sk-secret", 1_750_000_000);
    const [header, payload, signature] = token.split(".");
    expect(decode(header)).toEqual({ alg: "HS256", typ: "JWT" });
    expect(decode(payload)).toEqual({ iss: "ak-123", exp: 1_750_001_800, nbf: 1_749_999_995 });
    expect(signature).toBe(createHmac("sha256", "sk-secret").update(`${header}.${payload}`).digest("base64url"));
    expect(token).not.toMatch(/[=+/]/);
    expect(signKlingJwt("ak-123", "another-secret", 1_750_000_000).split(".")[2]).not.toBe(signature);
  });

  it("is cached until shortly before it expires, then signed anew", () => {
    let now = 1_750_000_000_000;
    const client = new KlingClient({ baseUrl: "http://127.0.0.1:9", accessKey: "ak", secretKey: "sk", sandbox: true }, { now: () => now });
    const first = client.token();
    now += 60_000;
    expect(client.token()).toBe(first);
    now = 1_750_000_000_000 + (1800 - KLING_TOKEN_REFRESH_MARGIN_SECONDS - 1) * 1000;
    expect(client.token()).toBe(first);
    now += 2000;
    const second = client.token();
    expect(second).not.toBe(first);
    expect(decode(second.split(".")[1]).exp).toBe(Math.floor(now / 1000) + 1800);
    expect(client.token({ renew: true })).toBe(second); // same second, same claims: same token
  });
});

describe("Kling input checks", () => {
  it("accepts URLs as they are and raw base64 or bytes of a large enough JPEG/PNG", () => {
    expect(klingImageField("image", " https://cdn.example.com/a.jpg ")).toBe("https://cdn.example.com/a.jpg");
    const bytes = png(300, 300);
    expect(klingImageField("image", bytes)).toBe(bytes.toString("base64"));
    expect(klingImageField("image", bytes.toString("base64"))).toBe(bytes.toString("base64"));
  });

  it("refuses a data: prefix, other formats, small images, more than 10 MB and bad aspect ratios for video", () => {
    expect(errorOf(() => klingImageField("humanImage", `data:image/png;base64,${png(300, 300).toString("base64")}`))).toMatchObject({
      kind: "invalid_input",
      field: "humanImage",
      message: expect.stringContaining("data:"),
      retryable: false,
    });
    const gif = Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(100)]);
    expect(errorOf(() => klingImageField("clothImage", gif)).message).toMatch(/JPEG or PNG/);
    expect(errorOf(() => klingImageField("image", png(299, 400))).message).toMatch(/299×400.*300 px/);
    const huge = Buffer.concat([png(400, 400), Buffer.alloc(10 * 1024 * 1024)]);
    expect(errorOf(() => klingImageField("image", huge)).message).toMatch(/10 MB/);
    expect(errorOf(() => klingImageField("image", "not base64!")).message).toMatch(/URL or base64/);

    const wide = png(800, 300); // 2.67:1
    expect(klingImageField("humanImage", wide)).toBeTruthy(); // try-on has no aspect rule
    expect(errorOf(() => klingImageField("image", wide, { checkAspect: true })).message).toMatch(/1:2.5 and 2.5:1/);
    expect(klingImageField("image", png(750, 300), { checkAspect: true })).toBeTruthy(); // exactly 2.5:1
    expect(errorOf(() => klingImageField("image", png(300, 751), { checkAspect: true })).field).toBe("image");
  });

  it("reads JPEG and PNG sizes from their headers", () => {
    expect(imageInfo(png(640, 360))).toEqual({ format: "png", width: 640, height: 360 });
    // SOI, an APP0 segment, then a baseline start-of-frame with height 480 and width 720.
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x4a, 0x46, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0xd0, 0x03, 0x01,
    ]);
    expect(imageInfo(jpeg)).toEqual({ format: "jpeg", width: 720, height: 480 });
    expect(imageInfo(Buffer.from("hello world, not an image"))).toBeUndefined();
  });

  it("builds bodies Kling accepts: duration as a string, defaults, limits on prompts", () => {
    const image = png(640, 360);
    expect(klingBodies.imageToVideo({ image, prompt: "Slow turn", duration: 10, mode: "pro", externalTaskId: "job-1" })).toEqual({
      model_name: "kling-v2-6",
      image: image.toString("base64"),
      prompt: "Slow turn",
      mode: "pro",
      duration: "10",
      external_task_id: "job-1",
    });
    expect(klingBodies.textToVideo({ prompt: "A batik scarf in the wind" })).toMatchObject({
      duration: "5",
      mode: "std",
      aspect_ratio: "16:9",
    });
    expect(
      klingBodies.tryOn({ humanImage: "https://x.test/p.png", clothImage: "https://x.test/c.png", callbackUrl: "https://shop.test/cb" }),
    ).toEqual({
      model_name: "kolors-virtual-try-on-v1-5",
      human_image: "https://x.test/p.png",
      cloth_image: "https://x.test/c.png",
      callback_url: "https://shop.test/cb",
    });

    expect(errorOf(() => klingBodies.textToVideo({ prompt: "ok", negativePrompt: "x".repeat(2501) }))).toMatchObject({
      field: "negativePrompt",
    });
    expect(klingBodies.textToVideo({ prompt: "ok", negativePrompt: "x".repeat(2500) }).negative_prompt).toHaveLength(2500);
    expect(errorOf(() => klingBodies.textToVideo({ prompt: "  " }))).toMatchObject({ field: "prompt" });
    expect(errorOf(() => klingBodies.imageToVideo({ prompt: "no image" }))).toMatchObject({ field: "image" });
    expect(errorOf(() => klingBodies.imageToVideo({ image, duration: 7 as 5 }))).toMatchObject({ field: "duration" });
    expect(errorOf(() => klingBodies.imageToVideo({ image, mode: "max" as "pro" }))).toMatchObject({ field: "mode" });
    expect(errorOf(() => klingBodies.imageToVideo({ image, externalTaskId: "a/b" }))).toMatchObject({ field: "externalTaskId" });
    expect(
      errorOf(() => klingBodies.tryOn({ humanImage: image, clothImage: image, model: "v9" as "kolors-virtual-try-on-v1" })),
    ).toMatchObject({ field: "model" });
  });
});

describe("Kling errors, backoff and callbacks", () => {
  it("says which errors a retry can fix", () => {
    const retryable = ["rate_limited", "concurrency_limit", "server", "unavailable"] as const;
    for (const kind of retryable) expect(new KlingError("x", kind).retryable).toBe(true);
    for (const kind of ["auth", "credits_exhausted", "content_blocked", "invalid_input", "not_found", "account"] as const) {
      expect(new KlingError("x", kind).retryable).toBe(false);
    }
    expect(new KlingError("x", "concurrency_limit", { retryAfterMs: 200 }).retryAfterMs).toBe(1000);
    expect(new KlingError("x", "content_blocked").plainReason).toMatch(/content rules/);
    expect(new KlingError("x", "credits_exhausted").plainReason).toMatch(/run out of credits/);
  });

  it("backs off from at least one second, doubling, capped", () => {
    const mid = () => 0.5; // no jitter
    expect(klingBackoffMs(0, 1000, mid)).toBe(1000);
    expect(klingBackoffMs(1, 1000, mid)).toBe(2000);
    expect(klingBackoffMs(3, 1000, mid)).toBe(8000);
    expect(klingBackoffMs(30, 1000, mid)).toBe(300_000);
    expect(klingBackoffMs(0, 10, () => 0)).toBe(1000);
    expect(klingBackoffMs(0, 1000, () => 1)).toBe(1200);
  });

  it("reads a callback as the bare task or inside the envelope, and only as a hint", () => {
    const task = {
      task_id: "842",
      task_status: "succeed",
      task_info: { external_task_id: "job-9" },
      created_at: 1,
      updated_at: 2,
      task_result: {},
    };
    expect(parseKlingCallback(task)).toEqual({ taskId: "842", externalTaskId: "job-9", claimedStatus: "succeed" });
    expect(parseKlingCallback({ code: 0, message: "SUCCEED", request_id: "r", data: task })).toEqual({
      taskId: "842",
      externalTaskId: "job-9",
      claimedStatus: "succeed",
    });
    expect(parseKlingCallback({ ...task, task_status: "queued-somewhere" }).claimedStatus).toBeUndefined();
    expect(errorOf(() => parseKlingCallback({ hello: "world" }))).toMatchObject({ kind: "protocol" });
  });

  it("puts failed tasks in plain words", () => {
    expect(describeTaskFailure({ status: "failed", statusMessage: "Failure to pass the risk control system" })).toMatchObject({
      contentBlocked: true,
    });
    expect(describeTaskFailure({ status: "failed", statusMessage: "there is no human in the image" }).reason).toMatch(/person/);
    expect(describeTaskFailure({ status: "failed" }).reason).toBe("Kling could not finish the task.");
  });
});
