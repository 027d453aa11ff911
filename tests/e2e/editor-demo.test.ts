// The parent link on the demo connector, whose members resource reads each organization's
// members: the form shows the link and reads the parent's field names from the running demo API.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openSection, openTab } from "./editor-helpers.ts";
import { launchApp, type AppSession } from "./harness.ts";

let app: AppSession;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

test("the parent link's field picker offers the fields of the parent's records", async () => {
  const { browser } = app;
  const open = await browser.$('[data-testid="open-demo"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();
  await (await browser.$('[data-testid="connector-view"]')).waitForDisplayed({ timeout: 20_000 });
  await openTab(browser, "edit");
  await openSection(browser, "resources");
  const members = await browser.$("button.resource-pick=members");
  await members.click();

  const link = await browser.$('[data-testid="parent-path-link"]');
  await link.waitForDisplayed();
  const parent = await link.$("select");
  assert.equal(await parent.getValue(), "organizations");
  const field = await link.$("input");
  assert.equal(await field.getValue(), "id");

  const options = () =>
    browser.execute(() =>
      Array.from(document.querySelectorAll('[data-testid="parent-path-link"] datalist option')).map(
        (o) => (o as HTMLOptionElement).value,
      ),
    );
  const before = await options();
  await (await link.$('[data-testid="sample-parent-fields"]')).click();
  const note = await browser.$('[data-testid="sample-note"]');
  await note.waitForDisplayed({ timeout: 20_000 });
  assert.match(await note.getText(), /\d+ fields found in \d+ records of organizations/);
  const after = await options();
  assert.ok(after.length > before.length, `sampling adds fields: ${before.join(",")} → ${after.join(",")}`);
  assert.ok(after.includes("name"), `an organization's name is offered: ${after.join(",")}`);
  await link.scrollIntoView({ block: "center" });
  await app.screenshot("editor-parent-link");

  // Picking another field rewrites the placeholder in the endpoint path.
  await field.setValue("name");
  const path = await browser.$("#f-resources-2-endpoint-path");
  await browser.waitUntil(async () => (await path.getValue()).includes("{resources.organizations.name}"));
});
