// A cURL command copied from an API's docs, pasted into Import: it becomes a connector with the
// token in the keychain, and syncs.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
import { databaseHolds, openSection, openTab, paste, syncAndWait } from "./editor-helpers.ts";
import { launchApp, startDemoApi, type AppSession } from "./harness.ts";

// The demo API's bearer token (sluice-demo's DEMO_TOKEN).
const TOKEN = "sluice-demo-token";

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

test("a pasted cURL command becomes a connector that syncs, its token in the keychain", async () => {
  const { browser } = app;
  const open = await browser.$('[data-testid="import-first"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await paste(
    browser,
    "#import-text",
    `curl -sS "${demo.baseUrl}/auth/bearer?limit=100" \\\n  -H "Authorization: Bearer ${TOKEN}" \\\n  -H "Accept: application/json"`,
  );
  await app.screenshot("11-import-curl-pasted");
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
  const view = await browser.$('[data-testid="connector-view"]');
  await view.waitForDisplayed({ timeout: 20_000 });
  assert.match(await view.getText(), /bearer/);
  assert.match(await (await browser.$('[data-testid="resource-table"]')).getText(), /bearer\s*bearer/);
  assert.match(await (await browser.$('[data-testid="secret-list"]')).getText(), /token\s*set in keychain/);

  await openTab(browser, "edit");
  await openSection(browser, "resources");
  assert.equal(await (await browser.$("#f-resources-0-endpoint-path")).getValue(), "bearer");

  const summary = await syncAndWait(browser);
  assert.match(await summary.getText(), /Sync finished: [1-9]\d* row\(s\) written/);
  await app.screenshot("12-curl-connector-synced");
  assert.equal(databaseHolds(app.dataDir, TOKEN), false, "the token is in sluice.sqlite");
});
