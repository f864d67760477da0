// The guide's pictures of the page and of the campaign (docs/images.sh runs it here,
// tests/browser, where playwright-core is installed; Debian's Chromium, never a download).
// Usage: node images.mjs BASE_URL COORDINATOR_LINK ANALYST_LINK WORKBOOK OUT_DIR
import { chromium } from "playwright-core";
import { join } from "node:path";

const [base, coordinatorLink, analystLink, workbook, outDir] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const shot = (page, name, fullPage = false) =>
  page.screenshot({ path: join(outDir, `${name}.png`), fullPage });

// The page, and the results of the Drouais' bilan.
const visitor = await browser.newPage({ viewport: { width: 1100, height: 760 }, locale: "fr-FR" });
await visitor.goto(base + "/");
await shot(visitor, "page-accueil");
await visitor.setInputFiles("#fichiers", workbook);
await Promise.all([visitor.waitForURL("**/verifier"), visitor.locator("form.depot").first().locator("button[type=submit]").click()]);
await shot(visitor, "page-resultats", true);
await visitor.setViewportSize({ width: 390, height: 844 });
await shot(visitor, "page-resultats-telephone");
await visitor.close();

// The coordinator of Dreux: the network's page (a correction asked), then the deposit.
const coordinator = await browser.newPage({ viewport: { width: 1100, height: 760 }, locale: "fr-FR" });
await coordinator.goto(coordinatorLink);
await Promise.all([coordinator.waitForURL("**/reseaux/**"), coordinator.locator('main button[type="submit"]').click()]);
await shot(coordinator, "campagne-reseau", true);
await coordinator.goto(base + "/depots/4");
await shot(coordinator, "campagne-depot", true);
await coordinator.close();

// The analyst: the dashboard.
const analyst = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "fr-FR" });
await analyst.goto(analystLink);
await Promise.all([analyst.waitForURL("**/campagne"), analyst.locator('main button[type="submit"]').click()]);
await shot(analyst, "campagne-tableau", true);
await analyst.close();
await browser.close();
