/**
 * A minimal PNG encoder (8-bit RGB, no filtering) so the sandbox can serve real image bytes, and
 * tests can make real input images, without an image library.
 */
import { crc32, deflateSync } from "node:zlib";

export type Rgb = readonly [number, number, number];

export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const at = y * stride + 1 + x * 3;
      raw[at] = r;
      raw[at + 1] = g;
      raw[at + 2] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A colour from a string, stable across runs (for per-task images). */
export function colourFrom(seed: string, shift = 0): Rgb {
  let h = 2166136261 ^ shift;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return [64 + ((h >>> 0) % 160), 64 + ((h >>> 8) % 160), 64 + ((h >>> 16) % 160)];
}

/**
 * A simple picture of a person wearing a garment: the sandbox's try-on result and its sample
 * "model photo". Shapes only, but real PNG bytes of a real size.
 */
export function personPng(width: number, height: number, garment: Rgb, background: Rgb = [226, 232, 240]): Buffer {
  const cx = width / 2;
  const headR = width * 0.11;
  const headY = height * 0.2;
  return encodePng(width, height, (x, y) => {
    const dx = x - cx;
    if (dx * dx + (y - headY) ** 2 < headR * headR) return [224, 172, 105];
    const torsoTop = headY + headR * 1.1;
    const torsoBottom = height * 0.68;
    const halfWidth = width * (0.2 + 0.06 * Math.min(1, (y - torsoTop) / (torsoBottom - torsoTop)));
    if (y > torsoTop && y < torsoBottom && Math.abs(dx) < halfWidth) return garment;
    if (y >= torsoBottom && y < height * 0.95 && Math.abs(dx) < width * 0.16 && Math.abs(dx) > width * 0.02) return [51, 65, 85];
    const shade = Math.round(20 * (y / height));
    return [background[0] - shade, background[1] - shade, background[2] - shade];
  });
}

/** A flat garment on a white background: the sandbox's sample product image. */
export function garmentPng(width: number, height: number, colour: Rgb): Buffer {
  return encodePng(width, height, (x, y) => {
    const u = x / width;
    const v = y / height;
    const body = u > 0.3 && u < 0.7 && v > 0.2 && v < 0.9;
    const sleeves = v > 0.2 && v < 0.45 && u > 0.12 && u < 0.88 && v - 0.2 < (0.3 - Math.abs(u - 0.5)) * 1.2;
    const collar = v > 0.2 && v < 0.28 && Math.abs(u - 0.5) < 0.08;
    if (collar) return [250, 250, 250];
    return body || sleeves ? colour : [255, 255, 255];
  });
}
