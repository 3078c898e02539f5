/**
 * A video's poster frame and facts, with the ffmpeg binary that ships inside the npm package
 * @ffmpeg-installer/linux-x64 (no download at install time, nothing to install on the machine).
 * Where no binary exists for the platform, `ffmpegPath()` is undefined and callers fall back to
 * the product's cover image.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";

let cached: string | null | undefined;

export function ffmpegPath(): string | undefined {
  if (cached === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const { path } = require("@ffmpeg-installer/ffmpeg") as { path: string };
      fs.accessSync(path, fs.constants.X_OK);
      cached = path;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

export interface VideoFrame {
  png: Buffer;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

function run(binary: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 64_000) stderr += d.toString();
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** A PNG frame from about one second in (or the first frame of a shorter video). */
export async function extractPosterFrame(videoFile: string): Promise<VideoFrame> {
  const binary = ffmpegPath();
  if (!binary) throw new Error("no ffmpeg binary for this platform");
  let last = "";
  for (const at of ["1", "0"]) {
    const { code, stdout, stderr } = await run(
      binary,
      ["-hide_banner", "-nostdin", "-ss", at, "-i", videoFile, "-frames:v", "1", "-f", "image2", "-c:v", "png", "pipe:1"],
      60_000,
    );
    last = stderr;
    if (code === 0 && stdout.length > 0) {
      const duration = stderr.match(/Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/);
      const size = stderr.match(/Video: [^\n]*?(\d{2,5})x(\d{2,5})/);
      return {
        png: stdout,
        width: size ? Number(size[1]) : null,
        height: size ? Number(size[2]) : null,
        durationMs: duration ? Math.round((Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])) * 1000) : null,
      };
    }
  }
  throw new Error(`ffmpeg found no frame: ${last.trim().split("\n").slice(-1)[0] ?? "no output"}`);
}
