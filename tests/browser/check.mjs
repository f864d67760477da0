// Drives `spro serve` in Debian's Chromium (playwright-core, executablePath /usr/bin/chromium;
// no browser is ever downloaded), as a coordinator would: open the page, pick a workbook,
// send it, read the finding at its cell, follow the rule link, download the annotated copy.
// Runs axe-core on every page. Does it all twice: with JavaScript, and without.
//
// Usage: node check.mjs BASE_URL FIXTURE OUT_DIR CELL
// Prints one JSON object on stdout; tests/browser.rs checks it and the downloaded copies.
import { mkdirSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { launch, axe as axeOf } from "./common.mjs";

const [base, fixture, outDir, cell] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const browser = await launch();
// axe-core in a page of its own with JavaScript on (common.mjs), fed the page under test: the
// same markup and stylesheet, whatever the JavaScript setting of the run.
const axe = (page) => axeOf(browser, base, page);

async function run(javaScriptEnabled) {
  const tag = javaScriptEnabled ? "js" : "sans-js";
  const context = await browser.newContext({ javaScriptEnabled, acceptDownloads: true, locale: "fr-FR" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  const out = { javaScriptEnabled, problems };

  await page.goto(base + "/");
  out.homeTitle = await page.title();
  out.homeH1 = await page.locator("h1").count();
  // Keyboard: the first Tab reaches the skip link, visibly.
  await page.keyboard.press("Tab");
  out.firstFocus = await page.evaluate(() => document.activeElement && document.activeElement.className);
  await page.screenshot({ path: join(outDir, `${tag}-accueil.png`), fullPage: true });
  out.axeHome = await axe(page);

  if (javaScriptEnabled) {
    // Drag and drop fills the file picker.
    const dropped = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(["PK"], "depose.xlsx"));
      return dt;
    });
    await page.dispatchEvent("form.depot .zone", "drop", { dataTransfer: dropped });
    out.droppedFiles = await page.evaluate(() => document.querySelector("#fichiers").files.length);
    // Too many files: said before sending, and nothing is sent.
    const many = Array.from({ length: 31 }, (_, i) => ({
      name: `f${i}.xlsx`, mimeType: "application/octet-stream", buffer: Buffer.from("PK"),
    }));
    await page.setInputFiles("#fichiers", many);
    await page.locator("form.depot").first().locator('button[type="submit"]').click();
    out.tooManySaid = await page.locator("form.depot .etat").first().innerText();
    out.stayedHome = page.url() === base + "/";
  }
  await page.setInputFiles("#fichiers", fixture);
  await Promise.all([
    page.waitForURL("**/verifier"),
    page.locator("form.depot").first().locator('button[type="submit"]').click(),
  ]);
  out.resultsH1 = await page.locator("h1").innerText();
  out.verdict = await page.locator(".verdict").first().innerText();
  out.cellShown = await page.locator("td.cellule", { hasText: cell }).count();
  await page.screenshot({ path: join(outDir, `${tag}-resultats.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(outDir, `${tag}-resultats-telephone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
  out.axeResults = await axe(page);
  // What the printer gets: the findings in full, no navigation and no form.
  await page.emulateMedia({ media: "print" });
  out.printHidesNav = await page.evaluate(() => getComputedStyle(document.querySelector("nav")).display === "none");
  await page.screenshot({ path: join(outDir, `${tag}-resultats-impression.png`), fullPage: true });
  await page.emulateMedia({ media: "screen" });

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByText("Télécharger le classeur annoté").first().click(),
  ]);
  out.download = join(outDir, `${tag}-${download.suggestedFilename()}`);
  await download.saveAs(out.download);

  // The rule link of the finding, after the download (the results page is still there).
  const link = page.locator("td.cellule", { hasText: cell }).locator("xpath=..").locator("a").first();
  const href = await link.getAttribute("href");
  await Promise.all([page.waitForURL("**" + href), link.click()]);
  out.ruleUrl = page.url();
  out.ruleH1 = await page.locator("h1").innerText();
  await page.screenshot({ path: join(outDir, `${tag}-regle.png`), fullPage: true });
  out.axeRule = await axe(page);
  await context.close();
  return out;
}

// A file over the limit, posted by the form without JavaScript (the browser sends the whole
// body, without `Expect: 100-continue`): the refusal, sent before the body is read, must still
// reach the page.
async function refusal() {
  const big = join(outDir, "trop-gros.xlsx");
  writeFileSync(big, Buffer.alloc(60 * 1024 * 1024, 120));
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto(base + "/");
  await page.setInputFiles("#fichiers", big);
  await Promise.all([
    page.waitForURL("**/verifier"),
    page.locator("form.depot").first().locator('button[type="submit"]').click(),
  ]);
  const out = { h1: await page.locator("h1").innerText(), text: await page.locator("main").innerText() };
  await page.screenshot({ path: join(outDir, "refus-trop-gros.png"), fullPage: true });
  await context.close();
  rmSync(big);
  return out;
}

const result = { js: await run(true), sansJs: await run(false), refusal: await refusal() };
await browser.close();
console.log(JSON.stringify(result));
