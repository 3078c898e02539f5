/**
 * Fonts for our PDFs: Noto Sans SC (Simplified Chinese with Latin, so Malay and English too), from
 * the npm package @embedpdf/fonts-sc (OFL). pdfkit's built-in Helvetica has Latin-1 only: a
 * Chinese product name printed as nothing. pdfkit embeds only the glyphs a document uses (a subset
 * of a few KB), so the 8 MB files stay on the server. Read once per process.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export const PDF_FONT = "NotoSans";
export const PDF_FONT_BOLD = "NotoSans-Bold";

let files: { regular: Buffer; bold: Buffer } | undefined;

function fontFiles() {
  if (!files) {
    // The package exports only its (unused) JavaScript entry: its fonts/ folder sits beside dist/.
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve("@embedpdf/fonts-sc")), "..", "fonts");
    files = {
      regular: fs.readFileSync(path.join(dir, "NotoSansHans-Regular.otf")),
      bold: fs.readFileSync(path.join(dir, "NotoSansHans-Bold.otf")),
    };
  }
  return files;
}

/** Registers the fonts on a pdfkit document under PDF_FONT and PDF_FONT_BOLD. */
function embedNotoFonts(doc: PDFKit.PDFDocument): void {
  const { regular, bold } = fontFiles();
  doc.registerFont(PDF_FONT, regular);
  doc.registerFont(PDF_FONT_BOLD, bold);
  doc.font(PDF_FONT);
}

/** Readies a new pdfkit document for our texts (the fonts registered) and collects what it writes: its bytes once `doc.end()` is called. */
export function startPdf(doc: PDFKit.PDFDocument): Promise<Buffer> {
  embedNotoFonts(doc);
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}
