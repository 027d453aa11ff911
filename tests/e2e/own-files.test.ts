// Two connectors made with "Create a connector" sync into two DuckDB files: a replace sync of the
// second leaves the first's tables and rows alone, although both load a table named `customers`.
// (Before each connector had a pipeline name of its own, both wrote <data>/data/rest_api.duckdb
// and the second replace dropped the first's rows.) One writer per file: a `sluice sync` from a
// terminal while the Data tab shows the file is told so at once; leaving the tab frees the file.
import assert from "node:assert/strict";
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openSection, openTab, paste, storeSecret, waitSaved } from "./editor-helpers.ts";
import { builtBinary, launchApp, startDemoApi, type AppSession, type Browser } from "./harness.ts";

const RECORDS = 120;
const API_KEY = "sluice-demo-api-key";

let app: AppSession;
let api: ChildProcess;
let baseUrl: string;

before(async () => {
  ({ child: api, baseUrl } = await startDemoApi(["--records", String(RECORDS)]));
  app = await launchApp();
});

after(async () => {
  await app?.close();
  api?.kill();
});

/** A connector's document as a user pastes it into the JSON view: one `customers` table. */
function document(path: string) {
  return {
    client: {
      base_url: baseUrl,
      auth: { type: "api_key", name: "api_key", location: "query", api_key: { $secret: "api_key" } },
    },
    resources: [
      {
        name: "customers",
        write_disposition: "replace",
        endpoint: { path, data_selector: "data", paginator: { type: "offset", limit: 50, total_path: "total" } },
      },
    ],
  };
}

async function createConnector(browser: Browser, name: string, endpointPath: string) {
  const first = await browser.$('[data-testid="create-first"]');
  const button = (await first.isExisting()) ? first : await browser.$('[data-testid="new-connector"]');
  await button.waitForDisplayed({ timeout: 20_000 });
  await button.click();
  await (await browser.$('[data-testid="new-connector-dialog"]')).waitForDisplayed();
  await (await browser.$("#connector-name")).setValue(name);
  await (await browser.$("#connector-base-url")).setValue(baseUrl);
  await (await browser.$('[data-testid="new-connector-dialog"] button[type="submit"]')).click();
  const view = await browser.$('[data-testid="connector-view"]');
  await view.waitForDisplayed();
  await browser.waitUntil(async () => (await view.getText()).includes(name), { timeoutMsg: `${name} did not open` });

  await openTab(browser, "edit");
  await openSection(browser, "json");
  await (await browser.$('[data-testid="connector-json"]')).waitForDisplayed();
  await paste(browser, '[data-testid="connector-json"]', JSON.stringify(document(endpointPath), null, 2));
  await waitSaved(browser);
  await openSection(browser, "auth");
  await storeSecret(browser, ["client", "auth", "api_key"], "api_key", API_KEY, false);
}

/** Syncs the open connector and returns its DuckDB file. */
async function sync(browser: Browser): Promise<string> {
  await openTab(browser, "sync");
  const pathEl = await browser.$('[data-testid="db-path"]');
  await pathEl.waitForDisplayed({ timeout: 20_000 });
  const dbPath = await pathEl.getText();
  await (await browser.$('[data-testid="run-sync"]')).click();
  const summary = await browser.$('[data-testid="sync-summary"]');
  await summary.waitForDisplayed({ timeout: 120_000 });
  assert.equal(await summary.getAttribute("data-status"), "succeeded", await summary.getText());
  return dbPath;
}

async function shownRows(browser: Browser, table: string): Promise<string> {
  await openTab(browser, "data");
  await (await browser.$(`[data-testid="table-${table}"]`)).click();
  const status = await browser.$('[data-testid="grid-status"]');
  await browser.waitUntil(async () => /^Rows 1–\d+ of /.test(await status.getText()), {
    timeout: 20_000,
    timeoutMsg: "the table did not show its rows",
  });
  return (await status.getText()).replace(/ · last window.*$/, "");
}

async function openConnector(browser: Browser, name: string) {
  const items = await browser.$$('[data-testid="connector-list"] .connector-item');
  let found = false;
  for (const item of items) {
    if ((await (await item.$(".connector-name")).getText()) === name) {
      await item.click();
      found = true;
      break;
    }
  }
  assert.ok(found, `${name} is in the connector list`);
  const view = await browser.$('[data-testid="connector-view"]');
  await browser.waitUntil(async () => (await view.getText()).includes(name), { timeoutMsg: `${name} did not open` });
}

test("two connectors made alike sync into files of their own, and a replace of one leaves the other", async () => {
  const { browser } = app;
  await createConnector(browser, "Customers", "v1/database/customers");
  const customersFile = await sync(browser);
  assert.equal(customersFile, join(app.dataDir, "data", "customers.duckdb"));
  const customersRows = await shownRows(browser, "customers");
  assert.match(customersRows, new RegExp(`of ${RECORDS}\\b`), customersRows);

  // The second reads page views through a resource it also calls `customers`.
  await createConnector(browser, "Page views", "v1/analytics/page_views");
  const viewsFile = await sync(browser);
  assert.equal(viewsFile, join(app.dataDir, "data", "page_views.duckdb"));
  assert.notEqual(viewsFile, customersFile);
  const before = statSync(customersFile).mtimeMs;
  // A second replace sync of the second connector.
  await sync(browser);
  assert.equal(statSync(customersFile).mtimeMs, before, "the first connector's file was not written");
  assert.ok(!existsSync(join(app.dataDir, "data", "rest_api.duckdb")), "nothing syncs into dlt's shared default");
  await app.screenshot("own-files-second-connector");

  await openConnector(browser, "Customers");
  assert.equal(await shownRows(browser, "customers"), customersRows, "the first connector's rows are as they were");
  assert.ok(await (await browser.$('[data-testid="sort-first_name"]')).isExisting(), "and they are customers, not page views");
  await app.screenshot("own-files-first-connector-intact");
});

/** `sluice sync` of the Customers connector into `file`, as a cron job would run it. */
function cliSync(file: string): { status: number | null; stderr: string; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), "sluice-cli-sync-"));
  try {
    const config = join(dir, "customers.json");
    writeFileSync(config, JSON.stringify({ ...document("v1/database/customers"), sluice: { pipeline: { pipeline_name: "customers" } } }));
    const started = Date.now();
    const out = spawnSync(builtBinary("sluice"), ["sync", config, "--db", file], {
      env: { ...process.env, SLUICE_SECRET_API_KEY: API_KEY },
      encoding: "utf8",
      timeout: 60_000,
    });
    return { status: out.status, stderr: out.stderr, ms: Date.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a sluice sync while the Data tab shows the file is refused at once; leaving the tab frees the file", async () => {
  const { browser } = app;
  const file = join(app.dataDir, "data", "customers.duckdb");
  // The first test left Customers open on its Data tab.
  await (await browser.$('[data-testid="data-panel"]')).waitForDisplayed({ timeout: 20_000 });
  const held = cliSync(file);
  assert.notEqual(held.status, 0, held.stderr);
  assert.match(held.stderr, /customers\.duckdb is open in another program \(sluice-app, PID \d+\)/, held.stderr);
  assert.match(held.stderr, /leave the connector's Data tab/, held.stderr);
  assert.ok(held.ms < 1_000, `the message took ${held.ms} ms`);

  await openTab(browser, "overview");
  await browser.pause(500);
  const freed = cliSync(file);
  assert.equal(freed.status, 0, freed.stderr);

  const rows = await shownRows(browser, "customers");
  assert.match(rows, new RegExp(`of ${RECORDS}\\b`), rows);
});

test("a long query in the SQL box stops with the Stop button", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="sql-box"] summary')).click();
  const input = await browser.$('[data-testid="sql-input"]');
  await input.waitForDisplayed();
  await input.setValue("SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3");
  await (await browser.$('[data-testid="sql-run"]')).click();
  const stop = await browser.$('[data-testid="sql-stop"]');
  await stop.waitForDisplayed({ timeout: 10_000 });
  await app.screenshot("sql-box-long-query-running");
  await stop.click();
  const error = await browser.$('[data-testid="sql-error"]');
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await error.getText(), "Stopped. Nothing was changed.");
  assert.equal(await stop.isExisting(), false, "the Stop button goes with the query");
  await app.screenshot("sql-box-query-stopped");
});

test("an imported connector that syncs outside the data folder asks before its first sync there", async () => {
  const { browser } = app;
  const outside = mkdtempSync(join(tmpdir(), "sluice-outside-"));
  try {
    const file = join(outside, "imported.duckdb");
    const doc = document("v1/database/customers");
    // Typed as text, as a pasted document may have it: the import moves it to the keychain.
    const auth = { ...doc.client.auth, api_key: API_KEY };
    const pasted = { ...doc, client: { ...doc.client, auth }, sluice: { name: "Outside", pipeline: { duckdb_file: file } } };
    await (await browser.$('[data-testid="import-connector"]')).click();
    await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
    await paste(browser, "#import-text", JSON.stringify(pasted, null, 2));
    await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
    const view = await browser.$('[data-testid="connector-view"]');
    await browser.waitUntil(async () => (await view.getText()).includes("Outside"), { timeoutMsg: "the import did not open" });

    await openTab(browser, "sync");
    const notice = await browser.$('[data-testid="confirm-target"]');
    await notice.waitForDisplayed({ timeout: 20_000 });
    assert.match(await notice.getText(), /outside Sluice's data folder/);
    assert.ok((await notice.getText()).includes(file), await notice.getText());
    assert.equal(await (await browser.$('[data-testid="run-sync"]')).isExisting(), false, "no sync without a yes");
    await app.screenshot("sync-outside-data-folder-asks");
    await (await browser.$('[data-testid="run-sync-confirmed"]')).click();
    const summary = await browser.$('[data-testid="sync-summary"]');
    await summary.waitForDisplayed({ timeout: 120_000 });
    assert.equal(await summary.getAttribute("data-status"), "succeeded", await summary.getText());
    assert.ok(existsSync(file), "the sync wrote the confirmed file");

    // Asked once: the next visit syncs without asking.
    await openTab(browser, "overview");
    await openTab(browser, "sync");
    await (await browser.$('[data-testid="run-sync"]')).waitForDisplayed({ timeout: 20_000 });
    assert.equal(await notice.isExisting(), false);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});
