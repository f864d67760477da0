// What the browser scripts share: Debian's Chromium launched with the flags that work on this
// closed network (never a downloaded browser), axe-core run on a page's HTML, screenshots at
// a desktop's and a phone's width.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

// axe-core in a page of its own (the service's CSP forbids inline scripts), fed the HTML of the
// page under test with its stylesheet: { passes, violations: [{ id, impact, help, nodes }] }.
export async function axe(browser, base, page) {
  const html = await page.content();
  const probe = await browser.newPage({ javaScriptEnabled: true, bypassCSP: true });
  await probe.setContent(html.replace("<head>", `<head><base href="${base}/">`), { waitUntil: "load" });
  await probe.addScriptTag({ content: axeSource });
  const result = await probe.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document);
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })),
    };
  });
  await probe.close();
  return result;
}

// `page` as OUT_DIR/NAME.png (whole page, 1280 wide) and NAME-telephone.png (390 wide).
export async function shot(page, outDir, name) {
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(outDir, `${name}-telephone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
}
