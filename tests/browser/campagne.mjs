// The campaign in Debian's Chromium (playwright-core, executablePath /usr/bin/chromium; no
// browser is ever downloaded): a coordinator logs in with the link, deposits, reads the findings
// at their cells, downloads the annotated copy; an analyst logs in, reads the dashboard, asks
// for a correction; the coordinator deposits the corrected file and compares it with the first;
// the analyst accepts it, filters the dashboard by state and consolidates from the page.
// axe-core on each page; screenshots kept.
//
// Usage: node campagne.mjs BASE_URL COORDINATOR_LINK ANALYST_LINK FIXTURE CORRECTED OUT_DIR
// Prints one JSON object on stdout; tests/it/browser.rs checks it.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch, axe as axeOf, shot as shotOf } from "./common.mjs";

const [base, coordinatorLink, analystLink, fixture, corrected, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const browser = await launch();
const axe = (page) => axeOf(browser, base, page);
const shot = (page, name) => shotOf(page, outDir, name);

const out = { problems: [] };
const watch = (page) => {
  page.on("console", (m) => { if (m.type() === "error") out.problems.push(m.text()); });
  page.on("pageerror", (e) => out.problems.push(String(e)));
};

// The coordinator.
const coordinator = await browser.newContext({ acceptDownloads: true, locale: "fr-FR" });
const c = await coordinator.newPage();
watch(c);
await c.goto(coordinatorLink);
out.linkH1 = await c.locator("h1").innerText();
out.axeLink = await axe(c);
await shot(c, "campagne-lien");
await Promise.all([c.waitForURL("**/reseaux/**"), c.locator('main button[type="submit"]').click()]);
out.networkUrl = c.url();
out.networkH1 = await c.locator("h1").innerText();
out.axeNetwork = await axe(c);
await shot(c, "campagne-reseau");
await c.setInputFiles("#fichier", fixture);
await Promise.all([c.waitForURL("**/depots/**"), c.locator("form.depot button[type=submit]").click()]);
out.depositH1 = await c.locator("h1").innerText();
out.cellShown = await c.locator("td.cellule", { hasText: "Actions!P3" }).count();
out.axeDeposit = await axe(c);
await shot(c, "campagne-depot");
const [download] = await Promise.all([
  c.waitForEvent("download"),
  c.getByText("Télécharger la copie annotée").click(),
]);
out.download = join(outDir, download.suggestedFilename());
await download.saveAs(out.download);

// The analyst.
const analyst = await browser.newContext({ acceptDownloads: true, locale: "fr-FR" });
const a = await analyst.newPage();
watch(a);
await a.goto(analystLink);
await Promise.all([a.waitForURL("**/campagne"), a.locator('main button[type="submit"]').click()]);
out.dashboardH1 = await a.locator("h1").innerText();
out.dashboardRows = await a.locator("table").first().locator("tbody tr").count();
out.axeDashboard = await axe(a);
await shot(a, "campagne-tableau");
await a.goto(base + "/depots/1");
await a.fill("#message", "Ajoutez le logo du SPRO sur les outils créés.");
await Promise.all([a.waitForURL("**/depots/1"), a.getByText("Demander une correction").click()]);
out.decisionShown = await a.locator("li", { hasText: "correction demandée" }).count();
out.axeDecided = await axe(a);
await shot(a, "campagne-depot-region");

// The coordinator deposits the corrected file and compares it with the first.
await c.goto(base + "/reseaux/36-CHX");
await c.setInputFiles("#fichier", corrected);
await Promise.all([c.waitForURL("**/depots/2"), c.locator("form.depot button[type=submit]").click()]);
await c.goto(base + "/reseaux/36-CHX");
await Promise.all([c.waitForURL("**/comparaison/**"), c.getByText("Comparer avec le dépôt précédent").first().click()]);
out.compareUrl = c.url();
out.compareH1 = await c.locator("h1").innerText();
out.fixedH2 = await c.locator("h2", { hasText: "Anomalies corrigées" }).innerText();
out.axeCompare = await axe(c);
await shot(c, "campagne-comparaison");
await coordinator.close();

// The analyst accepts it, filters the dashboard, consolidates.
await a.goto(base + "/depots/2");
await Promise.all([a.waitForURL("**/depots/2"), a.getByText("Accepter ce dépôt").click()]);
out.acceptedShown = await a.locator("li", { hasText: "accepté" }).count();
await a.goto(base + "/campagne");
await a.selectOption("#etat", "accepte");
await Promise.all([a.waitForURL("**/campagne?etat=accepte"), a.getByRole("button", { name: "Afficher", exact: true }).click()]);
out.filteredRows = await a.locator("table").first().locator("tbody tr").allInnerTexts();
out.axeFiltered = await axe(a);
await shot(a, "campagne-tableau-filtre");
await a.selectOption("#sortie", "classeur");
await a.selectOption("#depots", "acceptes");
const [workbook] = await Promise.all([
  a.waitForEvent("download"),
  a.getByRole("button", { name: "Consolider maintenant" }).click(),
]);
out.workbook = join(outDir, workbook.suggestedFilename());
await workbook.saveAs(out.workbook);
await analyst.close();

console.log(JSON.stringify(out));
await browser.close();
