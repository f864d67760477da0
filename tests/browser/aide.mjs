// The coordinators' guide at /aide in Debian's Chromium: the link from the page, each page of
// the guide with its pictures loaded, axe-core on each, screenshots at a desktop's and a phone's
// width (nothing wider than the phone's screen).
// Usage: node aide.mjs BASE_URL OUT_DIR — prints one JSON object; tests/it/browser.rs checks it.
import { mkdirSync } from "node:fs";
import { launch, axe, shot } from "./common.mjs";

const [base, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const browser = await launch();
const page = await browser.newPage({ locale: "fr-FR", viewport: { width: 1280, height: 720 } });
const out = { problems: [], pages: [] };
page.on("console", (m) => { if (m.type() === "error") out.problems.push(m.text()); });
page.on("pageerror", (e) => out.problems.push(String(e)));
await page.goto(base + "/");
await Promise.all([page.waitForURL("**/aide"), page.getByRole("link", { name: "Aide", exact: true }).click()]);
out.indexH1 = await page.locator("h1").innerText();
out.indexAxe = await axe(browser, base, page);
await shot(page, outDir, "aide");
const links = await page.locator("ol.aide-sommaire a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
for (const href of links) {
  await page.goto(base + href);
  const images = await page.locator(".aide img").evaluateAll((imgs) =>
    imgs.map((i) => ({ src: i.getAttribute("src"), alt: i.alt, loaded: i.complete && i.naturalWidth > 0 })));
  const name = href.split("/").pop();
  await shot(page, outDir, `aide-${name}`);
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize({ width: 1280, height: 720 });
  out.pages.push({ href, h1: await page.locator("h1").innerText(), images, overflow, axe: await axe(browser, base, page) });
}
console.log(JSON.stringify(out));
await browser.close();
