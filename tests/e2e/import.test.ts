// Importing a connector by pasting a seed document, as a user who was handed dlt code would.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { databaseHolds, fieldSelector, openSection, openTab, seedsDir } from "./editor-helpers.ts";
import { launchApp, type AppSession, type Browser } from "./harness.ts";

const seed = (prefix: string) => {
  const file = readdirSync(seedsDir).find((f) => f.startsWith(prefix));
  assert.ok(file, `seed ${prefix} is in ${seedsDir}`);
  return readFileSync(join(seedsDir, file), "utf8");
};

let app: AppSession;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

/** Pastes text into the import box in one go, as a paste does (typing 2 KB key by key is slow). */
async function paste(browser: Browser, text: string) {
  await browser.execute((value: string) => {
    const box = document.querySelector<HTMLTextAreaElement>("#import-text");
    if (!box) throw new Error("no import box");
    box.value = value;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }, text);
}

test("text that holds no connector is refused with the reason, and nothing is created", async () => {
  const { browser } = app;
  const open = await browser.$('[data-testid="import-first"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await paste(browser, "# Notes\n\nNo code here, just prose.");
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
  const error = await browser.$('[data-testid="import-error"]');
  await error.waitForDisplayed();
  assert.match(await error.getText(), /could not read a connector/);
  await app.screenshot("05-import-error");
  await browser.keys("Escape");
  await (await browser.$('[data-testid="empty-state"]')).waitForDisplayed();
});

test("pasting a seed document creates its connector with secret names but no values", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="import-first"]')).click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await paste(browser, seed("003_"));
  await app.screenshot("06-import-pasted");
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();

  const view = await browser.$('[data-testid="connector-view"]');
  await view.waitForDisplayed({ timeout: 20_000 });
  const text = await view.getText();
  assert.match(text, /https:\/\/api\.example\.com/);
  assert.match(text, /oauth2_client_credentials/, "the seed's oauth2 alias is saved under dlt's name");
  assert.match(await (await browser.$('[data-testid="resource-table"]')).getText(), /resource_name\s*\/v1\/resource/);
  // The seed reads dlt.secrets["client_id"] and ["client_secret"]: names, no values yet.
  const secrets = await (await browser.$('[data-testid="secret-list"]')).getText();
  assert.match(secrets, /client_id\s+not set/);
  assert.match(secrets, /client_secret\s+not set/);
  const hint = await (await browser.$('[data-testid="secret-hint"]')).getText();
  // Where to set them in the app first, the terminal second.
  assert.match(hint, /^Set client_id and client_secret under Auth\.\s+Open Auth\s*Or from a terminal: sluice secrets set connector-[0-9a-f]{32} NAME$/);
  await app.screenshot("07-imported-seed");
  await (await browser.$('[data-testid="open-auth"]')).click();
  await (await browser.$('[data-testid="auth-form"]')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await browser.$('[data-testid="section-auth"]')).getAttribute("aria-selected"), "true");
  await (await browser.$('[data-testid="tab-overview"]')).click();
});

test("dlt code with two sources imports as two connectors, and what it left out is said", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="import-connector"]')).click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await paste(
    browser,
    [
      "import dlt",
      "from dlt.sources.rest_api import rest_api_resources",
      "",
      "@dlt.source",
      "def billing(token=dlt.secrets.value):",
      '    yield from rest_api_resources({"client": {"base_url": "https://billing.example.com/",',
      '        "auth": {"type": "bearer", "token": token}}, "resources": ["invoices"]})',
      "",
      "@dlt.source",
      "def people():",
      '    yield from rest_api_resources({"client": {"base_url": "https://people.example.com/"},',
      '        "resources": [{"name": "people", "endpoint": "people",',
      '                       "processing_steps": [{"map": lambda p: {**p, "name": p["name"].title()}}]}]})',
      "",
    ].join("\n"),
  );
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();

  const notice = await browser.$('[data-testid="app-notice"]');
  await notice.waitForDisplayed({ timeout: 20_000 });
  const said = await notice.getText();
  assert.match(said, /Imported 2 connectors, one per dlt source: billing, people\./);
  assert.match(said, /Still to fix in people:\nresources\[0\]\.processing_steps\[0\]\.map: `lambda p: .*` is a Python function; Sluice cannot run code, so the step was left out/);
  assert.equal(await notice.getAttribute("role"), "status", "a note, not an error");
  const list = await (await browser.$('[data-testid="connector-list"]')).getText();
  assert.match(list, /billing/);
  assert.match(list, /people/);
  const view = await browser.$('[data-testid="connector-view"]');
  assert.match(await view.getText(), /https:\/\/billing\.example\.com/, "the first source is open");
  await app.screenshot("08-imported-two-sources");

  await (await browser.$('[data-testid="dismiss-notice"]')).click();
  await notice.waitForExist({ reverse: true, timeout: 5_000 });
});

test("an incremental start written as pendulum date arithmetic imports as days before each run", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="import-connector"]')).click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await paste(
    browser,
    [
      "import pendulum",
      "from dlt.sources.rest_api import rest_api_source",
      "",
      "source = rest_api_source({",
      '    "client": {"base_url": "https://shop.example.com/"},',
      '    "resources": [{"name": "orders", "endpoint": {"path": "orders",',
      '        "incremental": {"cursor_path": "updated_at",',
      '                        "initial_value": pendulum.today().subtract(days=30).to_iso8601_string()}}}],',
      "}, name=\"shop\")",
      "",
    ].join("\n"),
  );
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
  await (await browser.$('[data-testid="connector-view"]')).waitForDisplayed({ timeout: 20_000 });
  await openTab(browser, "edit");
  await openSection(browser, "resources");
  await (await browser.$("button.resource-pick=orders")).click();
  const group = await browser.$('[data-testid="incremental-group"]');
  await group.scrollIntoView({ block: "start" });
  const kind = await browser.$(`${fieldSelector(["resources", 0, "endpoint", "incremental", "initial_value"])}-kind`);
  assert.equal(await kind.getValue(), "relative");
  const days = await browser.$(fieldSelector(["resources", 0, "endpoint", "incremental", "initial_value"]));
  assert.equal(await days.getValue(), "30");
  await app.screenshot("09-imported-relative-start");
});

test("a document with a value the forms can fix opens in the editor at that field instead of being refused", async () => {
  const { browser } = app;
  const token = "draft-token-7be20f";
  await (await browser.$('[data-testid="import-connector"]')).click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await paste(
    browser,
    JSON.stringify({
      client: { base_url: "https://drafts.example.com/", auth: { type: "bearer", token } },
      resources: [
        { name: "first", endpoint: { path: "first" } },
        { name: "orders", endpoint: { path: "orders", paginator: { type: "offset", limit: "one hundred" } } },
      ],
      sluice: { name: "Draft shop" },
    }),
  );
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();

  // The editor opens on the resource with the problem, the problem under its field, the cursor in it.
  const limit = fieldSelector(["resources", 1, "endpoint", "paginator", "limit"]);
  const problem = await browser.$(`${limit}-error`);
  await problem.waitForDisplayed({ timeout: 20_000 });
  assert.match(await problem.getText(), /whole number/);
  assert.equal(await (await browser.$('[data-testid="section-resources"]')).getAttribute("aria-selected"), "true");
  assert.equal(
    await browser.execute(() => document.activeElement?.id ?? ""),
    limit.slice(1),
    "the cursor is in the field to fix",
  );
  const notice = await (await browser.$('[data-testid="app-notice"]')).getText();
  assert.match(notice, /Still to fix:\nresources\[1\]\.endpoint\.paginator\.limit: /);
  // The token went to the keychain, not into the saved draft.
  await openSection(browser, "auth");
  await browser.waitUntil(
    async () => (await (await browser.$('[data-testid="secret-state-token"]')).getText()) === "set in keychain",
    { timeout: 10_000, timeoutMsg: "the draft's token is not in the keychain" },
  );
  assert.equal(databaseHolds(app.dataDir, token), false, "the token is in sluice.sqlite");
  await openSection(browser, "resources");
  await app.screenshot("10-imported-draft-at-its-problem");
});
