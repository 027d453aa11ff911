// An OpenAPI document opened in Import: its list operations are listed by tag, three are
// picked, and the connector they make syncs.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { exportTo, syncAndWait } from "./editor-helpers.ts";
import { launchApp, startDemoApi, type AppSession } from "./harness.ts";

let app: AppSession;
let demo: { child: ChildProcess; baseUrl: string };

before(async () => {
  demo = await startDemoApi(["--records", "250"]);
  app = await launchApp();
});

after(async () => {
  await app?.close();
  demo?.child.kill();
});

const text = (browser: AppSession["browser"], selector: string) =>
  browser.execute((sel: string) => (document.querySelector(sel) as HTMLElement | null)?.innerText ?? "", selector);

test("three operations picked from an OpenAPI document become a connector that syncs", async () => {
  const { browser } = app;
  const spec = await (await fetch(`${demo.baseUrl}/openapi.json`)).text();
  const file = join(app.dataDir, "demo-api.json");
  writeFileSync(file, spec);

  const open = await browser.$('[data-testid="import-first"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await (await browser.$('[data-testid="import-file"]')).setValue(file);
  const box = await browser.$("#import-text");
  await browser.waitUntil(async () => (await box.getValue()).includes('"openapi"'), { timeoutMsg: "the document is in the box" });
  await (await browser.$('[data-testid="import-submit"]')).click();

  // The document's list operations, by tag; a document this size starts with none chosen.
  const picker = await browser.$('[data-testid="operation-picker"]');
  await picker.waitForDisplayed({ timeout: 10_000 });
  const listed = await text(browser, '[data-testid="operation-picker"]');
  assert.match(listed, /Sluice demo API/);
  assert.match(listed, /11 operations answer a list \(1 more answer no list/);
  for (const tag of ["marketing", "support", "paging"]) assert.match(listed, new RegExp(tag));
  assert.match(listed, /\/v1\/support\/organizations\/\{id\}\/members/);
  const submit = await browser.$('[data-testid="import-submit"]');
  assert.equal(await submit.getText(), "Import 0 resources");
  await app.screenshot("40-openapi-operations");

  // Filtering narrows the list; three are picked with the keyboard-reachable checkboxes.
  await (await browser.$('[data-testid="operation-filter"]')).setValue("paging");
  await browser.waitUntil(async () => (await browser.$$('[data-testid="operation"]').length) === 4, {
    timeoutMsg: "the filter keeps the four paging operations",
  });
  for (const path of ["/paging/offset", "/paging/cursor", "/paging/page_number"]) {
    await (await browser.$(`[data-testid="operation"][data-path="${path}"] input`)).click();
  }
  assert.equal(await submit.getText(), "Import 3 resources");
  await app.screenshot("41-openapi-three-picked");
  await submit.click();

  const view = await browser.$('[data-testid="connector-view"]');
  await view.waitForDisplayed({ timeout: 20_000 });
  const resources = await text(browser, '[data-testid="resource-table"]');
  for (const name of ["offset", "cursor", "page_number"]) assert.match(resources, new RegExp(`\\b${name}\\b`));
  await app.screenshot("42-openapi-imported");
  // What was guessed is said as guessed, with the connector until the user has read it.
  // textContent: WebKit's innerText joins pre-line text into one line.
  const notice = await browser.execute(() => document.querySelector('[data-testid="connector-notice"]')?.textContent ?? "");
  assert.match(notice, /Guessed from the imported document; check these:\n/);
  assert.match(notice, /page_number: numbered pages of 100 \(`page_size`\): `page` from 0, until `total_pages`; merges on `id`/);

  const summary = await syncAndWait(browser);
  const said = await summary.getText();
  assert.match(said, /Sync finished: [1-9]\d* row\(s\) written/);
  assert.doesNotMatch(said, /warning|error|failed/i);
  await app.screenshot("43-openapi-synced");

  // The connector moves to a warehouse: the script and its secrets.toml name PostgreSQL.
  const script = join(app.dataDir, "demo_pipeline.py");
  await exportTo(browser, "dlt", script, "postgres");
  await app.screenshot("44-openapi-export-postgres");
  assert.match(readFileSync(script, "utf8"), /destination="postgres",/);
  const secrets = join(app.dataDir, "secrets.toml");
  await exportTo(browser, "secrets-toml", secrets, "postgres");
  assert.match(readFileSync(secrets, "utf8"), /\[destination\.postgres\.credentials\]\ndatabase = ""/);
});
