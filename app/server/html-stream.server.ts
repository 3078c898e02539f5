import { Transform } from "node:stream";

/**
 * The stream a page's HTML is rendered into, without NUL bytes. React 18's Node renderer
 * (react-dom/server, writeStringChunk) flushes its whole 2 KB buffer when a multi-byte character
 * does not fit at its end, so the one or two bytes `encodeInto` left unfilled go out as NULs: a
 * Chinese or Malay page could carry them mid-text ("请输\0入金额"). Our HTML never holds a NUL
 * (text with one is refused at the HTTP layer), and 0x00 is never part of a UTF-8 multi-byte
 * character, so dropping every NUL byte restores exactly what React meant to write.
 */
export function htmlWithoutNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (chunk.indexOf(0) === -1) return done(null, chunk);
      done(null, Buffer.from(chunk.filter((byte) => byte !== 0)));
    },
  });
}
