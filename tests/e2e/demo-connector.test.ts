// The first-run path with no account anywhere: open the demo connector, whose API the app serves
// on loopback and whose credentials it keeps in the system keychain.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchApp, type AppSession } from "./harness.ts";

let app: AppSession;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

test("opening the demo connector starts the demo API and stores its secrets in the keychain", async () => {
  const { browser } = app;
  const open = await browser.$('[data-testid="open-demo"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();

  const view = await browser.$('[data-testid="connector-view"]');
  await view.waitForDisplayed({ timeout: 20_000 });
  assert.match(await view.getText(), /Demo shop/);

  const resources = await browser.$('[data-testid="resource-table"]');
  const text = await resources.getText();
  for (const name of ["marketing_data", "organizations", "members", "tickets"]) {
    assert.match(text, new RegExp(name));
  }

  const secrets = await browser.$('[data-testid="secret-list"]');
  await secrets.waitForDisplayed();
  const secretText = await secrets.getText();
  assert.match(secretText, /client_id\s+set in keychain/);
  assert.match(secretText, /client_secret\s+set in keychain/);
  assert.equal(await (await browser.$('[data-testid="app-notice"]')).isExisting(), false);

  // The base URL the connector shows is the demo API the app is serving right now.
  const baseUrl = (await (await browser.$(".facts code")).getText()).trim();
  assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const health = await fetch(`${baseUrl}/health`);
  assert.equal(health.status, 200);
  await app.screenshot("04-demo-connector");
});
