// A token typed where only a reference belongs (a header value here) is shown as a problem at
// its field and never reaches the app's database, autosave or not.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openDemoConnector, openSection, openTab } from "./editor-helpers.ts";
import { launchApp, type AppSession } from "./harness.ts";

const TOKEN = "Bearer typed-into-a-header-5f1c9a";

let app: AppSession;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

function databaseHolds(text: string): boolean {
  return ["sluice.sqlite", "sluice.sqlite-wal"].some((file) => {
    try {
      return readFileSync(join(app.dataDir, file), "latin1").includes(text);
    } catch {
      return false;
    }
  });
}

test("a token typed into a header value is a problem at the field and is not saved", async () => {
  const { browser } = app;
  await openDemoConnector(browser);
  await openTab(browser, "edit");
  await openSection(browser, "client");
  await (await browser.$('[data-testid="f-client-headers-add"]')).click();
  const name = await browser.$("#f-client-headers-0-name");
  await name.waitForDisplayed();
  await name.setValue("Authorization");
  await (await browser.$("#f-client-headers-0-value")).setValue(TOKEN);

  const problem = await browser.$("#f-client-headers .kv-error");
  await problem.waitForDisplayed({ timeout: 10_000 });
  assert.match(await problem.getText(), /a secret cannot be saved in the connector; keep it in the keychain/);
  await problem.scrollIntoView({ block: "center" });
  await app.screenshot("typed-secret-in-header");

  // Autosave runs a second or so after typing stops; give it several chances to leak.
  await browser.pause(3_000);
  assert.equal(databaseHolds("typed-into-a-header-5f1c9a"), false, "the token is in sluice.sqlite");
});
