// An app database from before connectors had pipeline names of their own: "Customers" and its
// duplicate both synced into <data>/data/rest_api.duckdb. Opened by this app, the first keeps that
// file and its rows; the copy is given a file of its own and says so once on its Overview.
import assert from "node:assert/strict";
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { openTab } from "./editor-helpers.ts";
import { builtBinary, launchApp, startDemoApi, type AppSession, type Browser } from "./harness.ts";

const RECORDS = 60;
const migrations = resolve(import.meta.dirname, "../../crates/sluice-store/src/migrations");

let app: AppSession;
let api: ChildProcess;
let dataDir: string;

/** What "Create a connector" plus a pasted resource saved before: no `sluice` block at all. */
const oldDocument = (baseUrl: string) => ({
  client: { base_url: baseUrl, auth: { type: "api_key", name: "api_key", location: "query", api_key: { $secret: "api_key" } } },
  resources: [
    {
      name: "customers",
      endpoint: { path: "v1/database/customers", data_selector: "data", paginator: { type: "offset", limit: 50, total_path: "total" } },
    },
  ],
});

/** A token typed into a config that did not parse (the auth type misspelt): saved as text before. */
const TYPED_TOKEN = "typed-token-from-an-old-database";
const typedToken = (baseUrl: string) => ({
  client: { base_url: baseUrl, auth: { type: "beerer", token: TYPED_TOKEN } },
  resources: [{ name: "events", endpoint: { path: "paging/offset" } }],
});

/**
 * The app database as the first two migrations made it, written with Python's sqlite3 (the
 * machine has Python for dlt anyway), and the shared DuckDB file as a sync of the first
 * connector left it: `sluice sync` writing rest_api.duckdb, dataset rest_api_dataset.
 */
function databaseFromBefore(baseUrl: string) {
  const doc = JSON.stringify(oldDocument(baseUrl));
  const config = join(dataDir, "customers.json");
  writeFileSync(config, doc);
  mkdirSync(join(dataDir, "data"), { recursive: true });
  execFileSync(builtBinary("sluice"), ["sync", config, "--db", join(dataDir, "data", "rest_api.duckdb"), "--dataset", "rest_api_dataset"], {
    env: { ...process.env, SLUICE_SECRET_API_KEY: "sluice-demo-api-key" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const schema = ["001_connectors.sql", "002_versions_and_runs.sql"].map((f) => readFileSync(join(migrations, f), "utf8")).join("\n");
  const script = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2])
db.execute("PRAGMA user_version = 2")
for name in ("Customers", "Customers (copy)"):
    db.execute("INSERT INTO connectors (name, config) VALUES (?, ?)", (name, sys.argv[3]))
db.execute("INSERT INTO connectors (name, config) VALUES ('Typed token', ?)", (sys.argv[4],))
db.execute("INSERT INTO connector_versions (connector_id, name, config) SELECT id, name, config FROM connectors")
db.commit()
`;
  execFileSync("python3", ["-c", script, join(dataDir, "sluice.sqlite"), schema, doc, JSON.stringify(typedToken(baseUrl))]);
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "sluice-upgrade-"));
  let baseUrl: string;
  ({ child: api, baseUrl } = await startDemoApi(["--records", String(RECORDS)]));
  databaseFromBefore(baseUrl);
  app = await launchApp({ SLUICE_DATA_DIR: dataDir });
});

after(async () => {
  await app?.close();
  api?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

async function openConnector(browser: Browser, name: string) {
  const list = await browser.$('[data-testid="connector-list"]');
  await list.waitForDisplayed({ timeout: 20_000 });
  for (const item of await browser.$$('[data-testid="connector-list"] .connector-item')) {
    if ((await (await item.$(".connector-name")).getText()) === name) {
      await item.click();
      const view = await browser.$('[data-testid="connector-view"]');
      await browser.waitUntil(async () => (await view.getText()).includes(name), { timeoutMsg: `${name} did not open` });
      return;
    }
  }
  assert.fail(`${name} is not in the connector list`);
}

async function dbPath(browser: Browser): Promise<string> {
  await openTab(browser, "sync");
  const path = await browser.$('[data-testid="db-path"]');
  await path.waitForDisplayed({ timeout: 20_000 });
  return path.getText();
}

test("the oldest connector keeps the shared file and its rows", async () => {
  const { browser } = app;
  await openConnector(browser, "Customers");
  assert.equal(await (await browser.$('[data-testid="connector-notice"]')).isExisting(), false, "nothing to tell it");
  assert.equal(await dbPath(browser), join(dataDir, "data", "rest_api.duckdb"));
  await openTab(browser, "data");
  const table = await browser.$('[data-testid="table-customers"]');
  await table.waitForDisplayed({ timeout: 20_000 }).catch(async (e: unknown) => {
    await app.screenshot("upgrade-data-tab-failed");
    throw e;
  });
  await table.click();
  const status = await browser.$('[data-testid="grid-status"]');
  await browser.waitUntil(async () => (await status.getText()).startsWith(`Rows 1–`), { timeout: 20_000 });
  assert.match(await status.getText(), new RegExp(`of ${RECORDS}\\b`));
  await app.screenshot("upgrade-first-keeps-its-rows");
});

test("the copy gets a file of its own and is told once", async () => {
  const { browser } = app;
  await openConnector(browser, "Customers (copy)");
  const notice = await browser.$('[data-testid="connector-notice"]');
  await notice.waitForDisplayed();
  const text = await notice.getText();
  assert.match(text, /rest_api\.duckdb/);
  assert.match(text, /customers_copy\.duckdb/);
  assert.match(text, /“Customers”/);
  await app.screenshot("upgrade-copy-notice");
  await (await browser.$('[data-testid="dismiss-notice"]')).click();
  await notice.waitForExist({ reverse: true });
  assert.equal(await dbPath(browser), join(dataDir, "data", "customers_copy.duckdb"));

  // Told once: opened again, it says nothing more.
  await openConnector(browser, "Customers");
  await openConnector(browser, "Customers (copy)");
  await (await browser.$('[data-testid="connector-view"]')).waitForDisplayed();
  assert.equal(await (await browser.$('[data-testid="connector-notice"]')).isExisting(), false);
});

test("a token typed into an old config moves to the keychain and leaves the database", async () => {
  const { browser } = app;
  await openConnector(browser, "Typed token");
  const notice = await browser.$('[data-testid="connector-notice"]');
  await notice.waitForDisplayed();
  assert.match(await notice.getText(), /moved a secret .*keychain.*“token”/);
  await app.screenshot("upgrade-typed-token-moved");
  for (const file of ["sluice.sqlite", "sluice.sqlite-wal"]) {
    let bytes = "";
    try {
      bytes = readFileSync(join(dataDir, file), "latin1");
    } catch {
      continue;
    }
    assert.equal(bytes.includes(TYPED_TOKEN), false, `the token is still in ${file}`);
  }
  const uid = execFileSync("python3", ["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT uid FROM connectors WHERE name = 'Typed token'\").fetchone()[0])", join(dataDir, "sluice.sqlite")], { encoding: "utf8" }).trim();
  const listed = execFileSync(builtBinary("sluice"), ["secrets", "list", `connector-${uid}`], { encoding: "utf8" });
  assert.match(listed, /\btoken\b/);
});
