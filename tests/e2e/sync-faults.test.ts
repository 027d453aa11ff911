// A seed-shaped connector (seed 003: OAuth2 client credentials, cursor paging, merge) against a
// demo API that answers with 429s and 5xx errors: the sync retries through them, says so while it
// runs, and loads every record once.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { seedsDir } from "./editor-helpers.ts";
import { launchApp, startDemoApi, type AppSession, type Browser } from "./harness.ts";

const RECORDS = 500;


/** `sluice demo serve` failing a share of requests with 5xx and 429 answers. */
const startFaultyApi = () =>
  startDemoApi(["--records", String(RECORDS), "--faults", "5xx=0.3,429=0.3,retry-after=1"]);

let app: AppSession;
let api: ChildProcess;
let baseUrl: string;

before(async () => {
  ({ child: api, baseUrl } = await startFaultyApi());
  app = await launchApp();
});

after(async () => {
  await app?.close();
  api?.kill();
});

/** Seed 003 as a user would paste it, pointed at the local API with its credentials filled in. */
function seedPointedAtDemo(): string {
  const file = readdirSync(seedsDir).find((f) => f.startsWith("003_"));
  assert.ok(file);
  return readFileSync(join(seedsDir, file), "utf8")
    .replaceAll("https://api.example.com", baseUrl)
    .replaceAll('"/v1/resource"', '"/v1/support/tickets"')
    .replaceAll('"resource_name"', '"tickets"')
    .replace('dlt.secrets["client_id"]', '"sluice-demo-client"')
    .replace('dlt.secrets["client_secret"]', '"sluice-demo-secret"');
}

async function paste(browser: Browser, value: string) {
  await browser.execute((text: string) => {
    const box = document.querySelector<HTMLTextAreaElement>("#import-text");
    if (!box) throw new Error("no import box");
    box.value = text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}

test("a sync against a flaky API retries through 429s and 5xx errors and loads every record once", async () => {
  const { browser } = app;
  const importButton = await browser.$('[data-testid="import-first"]');
  await importButton.waitForDisplayed({ timeout: 20_000 });
  await importButton.click();
  await paste(browser, seedPointedAtDemo());
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
  await (await browser.$('[data-testid="connector-view"]')).waitForDisplayed({ timeout: 20_000 });

  await (await browser.$('[data-testid="tab-sync"]')).click();
  await (await browser.$('[data-testid="run-sync"]')).click();
  const summary = await browser.$('[data-testid="sync-summary"]');
  await summary.waitForDisplayed({ timeout: 120_000 });
  await app.screenshot("28-sync-after-faults");
  assert.equal(await summary.getAttribute("data-status"), "succeeded", await summary.getText());
  const progress = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="progress-tickets"] td')].map((td) => td.textContent ?? ""),
  );
  assert.equal(Number(progress[3]), RECORDS, `records in ${progress.join(" | ")}`);
  // The progress table counted the retries and rate-limit waits it went through.
  const retries = Number(progress[5]);
  const waits = Number(progress[6]);
  assert.ok(retries + waits > 0, `retries ${retries}, waits ${waits}`);

  await (await (await browser.$('[data-testid="run-row"]')).$("button")).click();
  const log = await (await browser.$('[data-testid="run-log"]')).getText();
  assert.match(log, /retrying/);
  assert.doesNotMatch(log, /sluice-demo-secret/);

  // Every ticket once, whatever was retried.
  await (await browser.$('[data-testid="tab-data"]')).click();
  const item = await browser.$('[data-testid="table-tickets"]');
  await item.waitForDisplayed({ timeout: 20_000 });
  assert.match(await item.getText(), new RegExp(`\\b${RECORDS}\\b`), "the table list counts every ticket");
  await (await browser.$('[data-testid="sql-box"] summary')).click();
  await (await browser.$('[data-testid="sql-input"]')).setValue(
    "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM tickets",
  );
  await (await browser.$('[data-testid="sql-run"]')).click();
  await (await browser.$('[data-testid="sql-result"]')).waitForExist({ timeout: 20_000 });
  const cells = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="sql-result"] tbody td')].map((td) => td.textContent),
  );
  assert.deepEqual(cells, [String(RECORDS), String(RECORDS)], "every ticket once");
});

test("a sync cancelled while it runs marks the running resource cancelled and keeps the rows loaded before", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="tab-sync"]')).click();
  await (await browser.$('[data-testid="run-sync"]')).click();
  const cancel = await browser.$('[data-testid="cancel-sync"]');
  await cancel.waitForClickable({ timeout: 10_000 });
  // Cancel once the resource has started: its first pages are in but not committed.
  const row = await browser.$('[data-testid="progress-tickets"]');
  await browser.waitUntil(async () => (await row.getAttribute("data-state")) === "running", { timeout: 20_000 });
  await cancel.click();
  const summary = await browser.$('[data-testid="sync-summary"]');
  await summary.waitForDisplayed({ timeout: 60_000 });
  assert.equal(await summary.getAttribute("data-status"), "cancelled", await summary.getText());
  assert.equal(await row.getAttribute("data-state"), "cancelled");
  assert.equal(await (await row.$(".badge")).getText(), "cancelled");
  const latest = await browser.execute(
    () => (document.querySelector('[data-testid="latest-tickets"]') as HTMLElement | null)?.innerText ?? "",
  );
  assert.match(latest, /^Cancelled: nothing of this resource/);
  assert.doesNotMatch(await summary.getText(), /tickets: cancelled/, "a cancel is not listed as a failure");
  await app.screenshot("29-sync-cancelled");

  await (await browser.$('[data-testid="tab-data"]')).click();
  const item = await browser.$('[data-testid="table-tickets"]');
  await item.waitForDisplayed({ timeout: 20_000 });
  assert.match(await item.getText(), new RegExp(`\\b${RECORDS}\\b`), "the tickets of the first sync are all there");
});
