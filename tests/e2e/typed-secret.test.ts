// A token typed where only a reference belongs (a header value here) is shown as a problem at
// its field and never reaches the app's database, autosave or not. Plain http:// to another
// computer is a warning at its field that does not stop the save.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { choose, databaseHolds, fill, openDemoConnector, openSection, openTab, waitSaved } from "./editor-helpers.ts";
import { launchApp, type AppSession } from "./harness.ts";

const TOKEN = "Bearer typed-into-a-header-5f1c9a";

let app: AppSession;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

test("plain http:// to another computer is a warning at the base URL, and the edit is saved", async () => {
  const { browser } = app;
  await openDemoConnector(browser);
  await openTab(browser, "edit");
  await openSection(browser, "client");
  const url = await browser.$("#f-client-base_url");
  await url.waitForDisplayed();
  const loopback = await url.getValue();
  assert.match(loopback, /^http:\/\/127\.0\.0\.1:/);
  const warning = await browser.$("#f-client-base_url-warning");
  assert.equal(await warning.isExisting(), false, "the demo API on this computer needs no warning");

  await fill(browser, ["client", "base_url"], "http://api.example.com/v1");
  await warning.waitForDisplayed({ timeout: 10_000 });
  assert.match(await warning.getText(), /http:\/\/api\.example\.com is not encrypted/);
  await waitSaved(browser);
  assert.equal(databaseHolds(app.dataDir, "http://api.example.com/v1"), true, "a warning does not stop the save");
  assert.equal(await (await browser.$(".section-tab .count")).isExisting(), false, "a warning is not counted as a problem");
  await app.screenshot("plain-http-warning");

  await fill(browser, ["client", "base_url"], loopback);
  await warning.waitForExist({ reverse: true, timeout: 10_000 });
  await waitSaved(browser);
});

test("a secret typed and left is stored, and the field says it is pending until then", async () => {
  const { browser } = app;
  await openSection(browser, "auth");
  await choose(browser, ["client", "auth", "type"], "bearer");
  const state = await browser.$('[data-testid="secret-state-token"]');
  await state.waitForDisplayed();
  assert.equal(await state.getText(), "not set");
  const input = await browser.$("#f-client-auth-token");
  await input.setValue("typed-then-left-7d2e41");
  assert.equal(await state.getText(), "typed, not stored yet", "a typed value is not called stored");
  assert.match(await (await browser.$("#f-client-auth-token-pending")).getText(), /leave the field to store it/);
  await app.screenshot("secret-pending");

  // Leaving the section, field still focused, stores the value instead of dropping it.
  await openSection(browser, "client");
  await openSection(browser, "auth");
  const back = await browser.$('[data-testid="secret-state-token"]');
  await browser.waitUntil(async () => (await back.getText()) === "set in keychain", {
    timeout: 10_000,
    timeoutMsg: "the typed token was dropped on leaving the section",
  });

  // Leaving the field stores a new value too, and says so.
  await (await browser.$("#f-client-auth-token")).setValue("typed-then-blurred-93ac05");
  await browser.keys(["Tab"]);
  await (await browser.$('[data-testid="auth-form"] [role="status"]')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await back.getText(), "set in keychain");
  assert.equal(await (await browser.$("#f-client-auth-token")).getValue(), "", "the typed value is not kept in the form");
  await app.screenshot("secret-stored-on-leave");
  await waitSaved(browser);
  for (const token of ["typed-then-left-7d2e41", "typed-then-blurred-93ac05"]) {
    assert.equal(databaseHolds(app.dataDir, token), false, `${token} is in sluice.sqlite`);
  }
});

test("a token typed into a header value is a problem at the field and is not saved", async () => {
  const { browser } = app;
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
  assert.equal(databaseHolds(app.dataDir, "typed-into-a-header-5f1c9a"), false, "the token is in sluice.sqlite");
});
