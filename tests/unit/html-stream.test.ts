import { Writable } from "node:stream";

import { createElement } from "react";
import { renderToPipeableStream } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { htmlWithoutNulBytes } from "~/server/html-stream.server";

/** Renders paragraphs of Chinese text with React's Node stream, through `through` when given. */
async function render(through?: () => NodeJS.ReadWriteStream): Promise<Buffer> {
  // 60 paragraphs of 3-byte characters: the renderer's 2 KB buffer ends mid-character somewhere.
  const page = createElement(
    "main",
    null,
    Array.from({ length: 60 }, (_, i) => createElement("p", { key: i }, `${i}：请输入金额，例如 500 或 500.00。`.repeat(3))),
  );
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  await new Promise<void>((resolve, reject) => {
    sink.on("finish", resolve);
    const { pipe } = renderToPipeableStream(page, {
      onAllReady() {
        if (!through) return pipe(sink);
        const stream = through();
        stream.pipe(sink);
        pipe(stream as unknown as Writable);
      },
      onShellError: reject,
    });
  });
  return Buffer.concat(chunks);
}

describe("page HTML", () => {
  it("carries no NUL bytes where React 18 leaves them after a multi-byte character that did not fit its buffer", async () => {
    const raw = await render();
    expect(raw.includes(0), "React's own stream still shows the bug this works around").toBe(true);
    const clean = await render(htmlWithoutNulBytes);
    expect(clean.includes(0)).toBe(false);
    expect(clean.toString("utf8")).toBe(raw.toString("utf8").replaceAll("\u0000", ""));
    expect(clean.toString("utf8")).toContain("59：请输入金额，例如 500 或 500.00。");
  });
});
