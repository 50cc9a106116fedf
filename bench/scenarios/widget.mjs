// Widget weight: what every page that embeds Baton downloads (public/widget.js) and anything else
// the build puts in public/ as script or style (lazy chunks, other pages), compressed the way a
// CDN serves it (gzip level 9, brotli quality 11) with node:zlib.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** Published sizes of the usual alternatives' loaders (compressed, as reported by their vendors/trackers). */
export const COMPETITORS = [
  { name: "Crisp", gzipKb: 90 },
  { name: "Chatwoot", gzipKb: 170 },
  { name: "Intercom", gzipKb: 210 },
];

export function measureWidget(publicDir) {
  const files = readdirSync(publicDir).filter((f) => /\.(m?js|css)$/.test(f));
  return files
    .map((file) => {
      const code = readFileSync(path.join(publicDir, file));
      return {
        file: `public/${file}`,
        everyPage: file === "widget.js",
        raw: code.length,
        gzip: gzipSync(code, { level: 9 }).length,
        brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      };
    })
    .sort((a, b) => Number(b.everyPage) - Number(a.everyPage) || a.file.localeCompare(b.file));
}
