import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  describeTaskFailure,
  isFinished,
  KlingClient,
  KlingError,
  type KlingTaskKind,
  parseKlingCallback,
  SANDBOX_KLING_ACCESS_KEY,
  SANDBOX_KLING_SECRET_KEY,
} from "~/integrations/kling.server";
import { imageInfo } from "~/lib/image-info";

import { encodePng } from "../../sandbox/png";
import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { rejection, until } from "../helpers/async";

// A private sandbox (its switches and clock are moved here) and a small receiver for callbacks.
let sandbox: RunningSandbox;
let client: KlingClient;
let receiver: http.Server;
let callbackUrl: string;
const callbacks: unknown[] = [];
let samples: { person: string; garment: string };

beforeAll(async () => {
  sandbox = await startSandbox();
  client = new KlingClient({
    baseUrl: `${sandbox.url}/kling`,
    accessKey: SANDBOX_KLING_ACCESS_KEY,
    secretKey: SANDBOX_KLING_SECRET_KEY,
    sandbox: true,
  });
  samples = { person: `${sandbox.url}/kling/samples/person.png`, garment: `${sandbox.url}/kling/samples/garment.png` };
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      callbacks.push(JSON.parse(body));
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kling-callback`;
});
beforeEach(() => {
  sandbox.kling.reset();
  callbacks.length = 0;
});
afterAll(async () => {
  await sandbox?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const finished = (kind: KlingTaskKind, id: string) =>
  until(async () => {
    const task = await client.getTask(kind, id);
    return isFinished(task) && task;
  });

const failure = (promise: Promise<unknown>) => rejection(promise, KlingError);

/** Duration in seconds from an MP4's movie header (mvhd), to show the bytes are a real video. */
function mp4Seconds(bytes: Uint8Array): number {
  const buffer = Buffer.from(bytes);
  const at = buffer.indexOf("mvhd");
  const version = buffer[at + 4];
  const timescale = version === 1 ? buffer.readUInt32BE(at + 4 + 4 + 16) : buffer.readUInt32BE(at + 4 + 4 + 8);
  const duration = version === 1 ? Number(buffer.readBigUInt64BE(at + 4 + 4 + 20)) : buffer.readUInt32BE(at + 4 + 4 + 12);
  return duration / timescale;
}

const landscape = encodePng(640, 360, (x, y) => [(x * 3) % 256, (y * 5) % 256, 90]);

describe("try-on against the Kling sandbox", () => {
  it("creates a task, receives a callback on each status change, and downloads the result image", async () => {
    const created = await client.createTryOn({
      humanImage: samples.person,
      clothImage: samples.garment,
      externalTaskId: "job-tryon-1",
      callbackUrl,
    });
    expect(created).toMatchObject({ kind: "try-on", status: "submitted", externalTaskId: "job-tryon-1", existing: false });

    await until(async () => callbacks.length >= 2);
    const hints = callbacks.map(parseKlingCallback);
    expect(hints.map((h) => h.claimedStatus)).toEqual(["processing", "succeed"]);
    expect(hints.every((h) => h.taskId === created.taskId && h.externalTaskId === "job-tryon-1")).toBe(true);

    // The callback is only a hint: the task is confirmed by querying it.
    const task = await client.getTask("try-on", hints[1].taskId);
    expect(task).toMatchObject({ status: "succeed", unitsDeducted: 1 });
    expect(task.images).toHaveLength(1);
    const result = await client.downloadResult(task.images[0].url);
    expect(result.contentType).toBe("image/png");
    expect(imageInfo(result.bytes)).toEqual({ format: "png", width: 576, height: 768 });
  });

  it("sends callbacks in the envelope form too, which the parser reads the same way", async () => {
    sandbox.kling.switches.callbackEnvelope = true;
    const created = await client.createTryOn({ humanImage: samples.person, clothImage: samples.garment, callbackUrl });
    await until(async () => callbacks.length >= 2);
    expect(callbacks[0]).toMatchObject({ code: 0, data: { task_id: created.taskId } });
    expect(parseKlingCallback(callbacks[1])).toEqual({ taskId: created.taskId, externalTaskId: undefined, claimedStatus: "succeed" });
  });

  it("never creates a second task for the same external_task_id, whichever way Kling answers a repeat", async () => {
    const first = await client.createTryOn({ humanImage: samples.person, clothImage: samples.garment, externalTaskId: "job-42" });
    // Reading 1: Kling refuses the repeat; the client finds the task it already has.
    const again = await client.createTryOn({ humanImage: samples.person, clothImage: samples.garment, externalTaskId: "job-42" });
    expect(again).toMatchObject({ taskId: first.taskId, existing: true, externalTaskId: "job-42" });
    // Reading 2: Kling answers the repeat with the existing task.
    sandbox.kling.switches.duplicateExternalId = "return-existing";
    const third = await client.createTryOn({ humanImage: samples.person, clothImage: samples.garment, externalTaskId: "job-42" });
    expect(third.taskId).toBe(first.taskId);
    expect(sandbox.kling.tasks.filter((t) => t.externalTaskId === "job-42")).toHaveLength(1);

    // Unique per account: another account may use the same id for its own task.
    sandbox.kling.accounts.set("second-account", "second-secret");
    const other = new KlingClient({
      baseUrl: `${sandbox.url}/kling`,
      accessKey: "second-account",
      secretKey: "second-secret",
      sandbox: true,
    });
    const theirs = await other.createTryOn({ humanImage: samples.person, clothImage: samples.garment, externalTaskId: "job-42" });
    expect(theirs.taskId).not.toBe(first.taskId);
    expect(await other.findTask("try-on", "job-42")).toMatchObject({ taskId: theirs.taskId });
  });

  it("looks tasks up by external_task_id, and says when there is none", async () => {
    expect(await client.findTask("try-on", "job-never-made")).toBeUndefined();
    expect(await failure(client.getTask("try-on", "123456"))).toMatchObject({ kind: "not_found", status: 404, code: 1203 });
  });
});

describe("videos against the Kling sandbox", () => {
  it("turns an image (raw bytes) into a 10 s pro video with real MP4 bytes", async () => {
    const created = await client.createImageToVideo({
      image: landscape,
      prompt: "The scarf ripples in a breeze",
      duration: 10,
      mode: "pro",
      externalTaskId: "job-video-1",
    });
    expect(sandbox.kling.tasks[0]).toMatchObject({ duration: "10", mode: "pro", aspect: "16:9" });
    const task = await finished("image-to-video", created.taskId);
    expect(task).toMatchObject({ status: "succeed", unitsDeducted: 7 });
    expect(task.videos[0]).toMatchObject({ durationSeconds: 10 });
    const video = await client.downloadResult(task.videos[0].url);
    expect(video.contentType).toBe("video/mp4");
    expect(Buffer.from(video.bytes.subarray(4, 8)).toString("ascii")).toBe("ftyp");
    expect(mp4Seconds(video.bytes)).toBeCloseTo(10, 1);
    // Players and CDNs fetch ranges of a video.
    const range = await fetch(task.videos[0].url, { headers: { Range: "bytes=0-99" } });
    expect(range.status).toBe(206);
    expect((await range.arrayBuffer()).byteLength).toBe(100);
  });

  it("turns a prompt into a 5 s portrait video", async () => {
    const created = await client.createTextToVideo({
      prompt: "A batik scarf on a model walking through Kuala Lumpur",
      aspectRatio: "9:16",
    });
    const task = await finished("text-to-video", created.taskId);
    const video = await client.downloadResult(task.videos[0].url);
    expect(mp4Seconds(video.bytes)).toBeCloseTo(5, 1);
    expect(sandbox.kling.tasks[0].aspect).toBe("9:16");
  });

  it("refuses bad input at the sandbox as Kling would (for callers that skip the client's checks)", async () => {
    const post = (body: unknown) =>
      fetch(`${sandbox.url}/kling/v1/videos/image2video`, {
        method: "POST",
        headers: { Authorization: `Bearer ${client.token()}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const base64 = landscape.toString("base64");
    expect(await post({ image: `data:image/png;base64,${base64}` })).toMatchObject({
      status: 400,
      body: { code: 1201, message: expect.stringContaining("data:") },
    });
    expect(await post({ image: base64, duration: 5 })).toMatchObject({
      status: 400,
      body: { code: 1201, message: expect.stringContaining("string") },
    });
    expect(await post({ image: base64, negative_prompt: "n".repeat(2501) })).toMatchObject({ body: { code: 1201 } });
    const tall = encodePng(300, 800, () => [0, 0, 0]).toString("base64");
    expect(await post({ image: tall })).toMatchObject({ body: { code: 1201, message: expect.stringContaining("aspect ratio") } });
    const small = encodePng(200, 200, () => [0, 0, 0]).toString("base64");
    expect(await post({ image: small })).toMatchObject({ body: { code: 1201, message: expect.stringContaining("300px") } });
  });
});

describe("Kling failures and what they tell the caller", () => {
  it("turns the concurrency limit (1303) into retry-later, and succeeds once a slot is free", async () => {
    sandbox.kling.switches.concurrencyLimit = 1;
    // The first video runs until Kling's clock moves past it (not until some wall-clock time has
    // passed, which a busy machine reaches before the test asks again).
    sandbox.kling.switches.slowTasks = true;
    await client.createTextToVideo({ prompt: "first video" });
    const limited = await failure(client.createTextToVideo({ prompt: "second video" }));
    expect(limited).toMatchObject({ kind: "concurrency_limit", status: 429, code: 1303, retryable: true });
    expect(limited.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(limited.plainReason).toMatch(/busy/);
    // Try-on is counted apart from video, as Kling counts per resource pack type.
    await client.createTryOn({ humanImage: samples.person, clothImage: samples.garment });

    // Asked again while the first video runs: refused again, and the back-off grows.
    const again = await failure(client.createTextToVideo({ prompt: "second video" }));
    expect(again.code).toBe(1303);
    expect(again.retryDelayMs(1)).toBeGreaterThan(limited.retryDelayMs(0));
    // The first video finishes (Kling's clock moves on): the retry goes through.
    sandbox.kling.clockOffsetMs += sandbox.kling.timing.submittedMs + sandbox.kling.timing.slowTaskMs + 1_000;
    sandbox.kling.tick();
    const created = await client.createTextToVideo({ prompt: "second video" });
    expect(created.status).toBe("submitted");
  });

  it("reports 1302 (too fast) as retryable with Kling's Retry-After, and 5xx as a server error", async () => {
    sandbox.kling.switches.rateLimitNext = 1;
    expect(await failure(client.createTextToVideo({ prompt: "x" }))).toMatchObject({
      kind: "rate_limited",
      code: 1302,
      retryAfterMs: 1000,
      retryable: true,
    });
    sandbox.kling.switches.serverErrorNext = 1;
    sandbox.kling.switches.serverErrorCode = 5001;
    expect(await failure(client.createTextToVideo({ prompt: "x" }))).toMatchObject({
      kind: "server",
      status: 503,
      code: 5001,
      retryable: true,
    });
    await expect(client.createTextToVideo({ prompt: "x" })).resolves.toMatchObject({ status: "submitted" });
  });

  it("reports a content block (1301) and exhausted credits (1102) as failures a retry cannot fix", async () => {
    sandbox.kling.switches.contentBlock = "create";
    const blocked = await failure(client.createTryOn({ humanImage: samples.person, clothImage: samples.garment }));
    expect(blocked).toMatchObject({ kind: "content_blocked", status: 400, code: 1301, retryable: false });
    expect(blocked.plainReason).toMatch(/content rules/);

    sandbox.kling.switches.contentBlock = "task";
    const created = await client.createTryOn({ humanImage: samples.person, clothImage: samples.garment });
    const task = await finished("try-on", created.taskId);
    expect(task.status).toBe("failed");
    expect(describeTaskFailure(task)).toMatchObject({ contentBlocked: true });

    sandbox.kling.switches.contentBlock = "off";
    sandbox.kling.switches.creditsExhausted = true;
    const broke = await failure(client.createImageToVideo({ image: landscape }));
    expect(broke).toMatchObject({ kind: "credits_exhausted", status: 429, code: 1102, retryable: false });
  });

  it("keeps slow tasks processing until the clock says they are done", async () => {
    sandbox.kling.switches.slowTasks = true;
    const created = await client.createImageToVideo({ image: landscape, callbackUrl });
    await until(async () => (await client.getTask("image-to-video", created.taskId)).status === "processing");
    sandbox.kling.clockOffsetMs += 61_000;
    expect((await client.getTask("image-to-video", created.taskId)).status).toBe("succeed");
    await until(async () => callbacks.length >= 2);
    expect(callbacks.map((c) => parseKlingCallback(c).claimedStatus)).toEqual(["processing", "succeed"]);
  });
});

describe("Kling authentication", () => {
  it("re-signs the token once when Kling says it has expired (1004)", async () => {
    let now = Date.now();
    const clocked = new KlingClient(
      { baseUrl: `${sandbox.url}/kling`, accessKey: SANDBOX_KLING_ACCESS_KEY, secretKey: SANDBOX_KLING_SECRET_KEY, sandbox: true },
      { now: () => now },
    );
    await clocked.createTryOn({ humanImage: samples.person, clothImage: samples.garment });
    const firstToken = clocked.token();
    // The cached token still looks fresh to us, but has expired by Kling's clock (a long stall).
    now += 1_700_000;
    sandbox.kling.clockOffsetMs += 1_801_000;
    expect(clocked.token()).toBe(firstToken);
    await expect(clocked.createTryOn({ humanImage: samples.person, clothImage: samples.garment })).resolves.toMatchObject({
      status: "submitted",
    });
    expect(sandbox.kling.authRejections).toEqual([1004]);
    expect(clocked.token()).not.toBe(firstToken);
  });

  it("reports wrong keys and clock problems as auth errors (1000, 1001, 1003)", async () => {
    const wrong = new KlingClient({
      baseUrl: `${sandbox.url}/kling`,
      accessKey: SANDBOX_KLING_ACCESS_KEY,
      secretKey: "not-the-secret",
      sandbox: true,
    });
    expect(await failure(wrong.findTask("try-on", "x"))).toMatchObject({ kind: "auth", status: 401, code: 1000, retryable: false });
    const unknown = new KlingClient({ baseUrl: `${sandbox.url}/kling`, accessKey: "who", secretKey: "sk", sandbox: true });
    expect(await failure(unknown.findTask("try-on", "x"))).toMatchObject({ code: 1000 });
    const anonymous = await fetch(`${sandbox.url}/kling/v1/images/kolors-virtual-try-on/1`);
    expect({ status: anonymous.status, body: await anonymous.json() }).toMatchObject({ status: 401, body: { code: 1001 } });
    sandbox.kling.clockOffsetMs = -60_000; // Kling's clock behind ours: the token is not valid yet
    const early = new KlingClient({
      baseUrl: `${sandbox.url}/kling`,
      accessKey: SANDBOX_KLING_ACCESS_KEY,
      secretKey: SANDBOX_KLING_SECRET_KEY,
      sandbox: true,
    });
    expect(await failure(early.findTask("try-on", "x"))).toMatchObject({ kind: "auth", code: 1003 });
  });
});

describe("the Kling sandbox's pages", () => {
  it("lists tasks with their results and callbacks, and is linked from the index", async () => {
    const created = await client.createTryOn({
      humanImage: samples.person,
      clothImage: samples.garment,
      externalTaskId: "job-page",
      callbackUrl,
    });
    await finished("try-on", created.taskId);
    await until(async () => callbacks.length >= 2);
    const html = await (await fetch(`${sandbox.url}/kling`)).text();
    expect(html).toContain(created.taskId);
    expect(html).toContain("job-page");
    expect(html).toContain(`results/${created.taskId}/0.png`);
    expect(html).toContain("succeed: HTTP 200");
    const index = await (await fetch(`${sandbox.url}/`)).text();
    for (const link of ['href="/kling"', 'href="/openai"', 'href="/anthropic"', 'href="/wassenger/inbox"']) expect(index).toContain(link);
    const control = await (await fetch(`${sandbox.url}/kling/_control`)).json();
    expect(control.tasks[0]).toMatchObject({ task_id: created.taskId, task_status: "succeed" });
  });
});
