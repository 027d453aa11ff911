// A new user's first minutes: an empty app that says what to do, and a first connector.
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { after, before, test } from "node:test";
import { launchApp, type AppSession } from "./harness.ts";

let app: AppSession;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

test("a fresh install shows the empty state inviting the user to create a connector", async () => {
  const { browser } = app;
  const empty = await browser.$('[data-testid="empty-state"]');
  await empty.waitForDisplayed({ timeout: 20_000 });
  assert.match(await empty.getText(), /Pull data from any REST API/);
  assert.equal(await browser.getTitle(), "Sluice");
  const create = await browser.$('[data-testid="create-first"]');
  assert.equal(await create.isDisplayed(), true);
  const shot = await app.screenshot("01-empty-state");
  assert.ok(statSync(shot).size > 1000, "the screenshot has content");
});

test("creating a connector names the bad field, then lists the connector", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="create-first"]')).click();
  const dialog = await browser.$('[data-testid="new-connector-dialog"]');
  await dialog.waitForDisplayed();

  await (await browser.$("#connector-name")).setValue("Support tickets");
  await (await browser.$("#connector-base-url")).setValue("api.example.com");
  await (await browser.$('button[type="submit"]')).click();
  const urlError = await browser.$("#connector-base-url-error");
  await urlError.waitForDisplayed();
  assert.match(await urlError.getText(), /must start with https:\/\//);
  await app.screenshot("02-new-connector-error");

  await (await browser.$("#connector-base-url")).setValue("https://api.example.com/v2");
  await (await browser.$('button[type="submit"]')).click();
  const view = await browser.$('[data-testid="connector-view"]');
  await view.waitForDisplayed();
  assert.match(await view.getText(), /Support tickets/);
  assert.match(await view.getText(), /https:\/\/api\.example\.com\/v2/);
  const list = await browser.$('[data-testid="connector-list"]');
  assert.match(await list.getText(), /Support tickets/);
  await app.screenshot("03-connector-created");
});

test("the theme toggle switches to dark and is remembered for the next launch", async () => {
  const { browser } = app;
  const toggle = await browser.$("button=Dark theme");
  await toggle.click();
  assert.equal(await browser.execute(() => document.documentElement.dataset.theme), "dark");
  await app.screenshot("08-dark-theme");
  await browser.refresh();
  await (await browser.$('[data-testid="connector-list"]')).waitForDisplayed();
  assert.equal(await browser.execute(() => document.documentElement.dataset.theme), "dark");
  await (await browser.$("button=Light theme")).click();
  assert.equal(await browser.execute(() => document.documentElement.dataset.theme), "light");
});
