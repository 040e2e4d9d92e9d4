#!/usr/bin/env node
// Shopify's theme check over the theme app extension, with the config Shopify CLI
// uses for app extensions (`theme-check:theme-app-extension`). Prints every
// offense; exits 1 when there is any error or warning, 0 when there is none.
//
//   node scripts/theme-check.mjs [extension-dir]   (default: extensions/see-it-now)
//   npm run theme-check

import path from "node:path";
import { fileURLToPath } from "node:url";
import { check } from "@shopify/theme-check-node";

const SEVERITY = ["error", "warning", "info"];
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(process.argv[2] || path.join(repo, "extensions", "see-it-now"));

const offenses = await check(root, "theme-check:theme-app-extension");
offenses.sort((a, b) => a.uri.localeCompare(b.uri) || a.start.index - b.start.index);

const counts = { error: 0, warning: 0, info: 0 };
for (const offense of offenses) {
  const severity = SEVERITY[offense.severity] || "error";
  counts[severity] += 1;
  const file = path.relative(process.cwd(), fileURLToPath(offense.uri));
  const where = `${file}:${offense.start.line + 1}:${offense.start.character + 1}`;
  console.log(`${where}  ${severity}  ${offense.check}  ${offense.message}`);
}
console.log(
  `theme-check (theme-app-extension) on ${path.relative(process.cwd(), root) || "."}: ` +
    `${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info`,
);
process.exit(counts.error || counts.warning ? 1 : 0);
