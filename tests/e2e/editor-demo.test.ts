// The parent link on the demo connector, whose members resource reads each organization's
// members: the form shows the link and reads the parent's field names from the running demo API.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { choose, openDemoConnector, openSection, openTab } from "./editor-helpers.ts";
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
  await openDemoConnector(browser);
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

test("every auth type and every paginator type shows its own fields", async () => {
  const { browser } = app;
  await openSection(browser, "auth");
  const authFields: Record<string, string[]> = {
    bearer: ["token"],
    api_key: ["name", "location", "api_key"],
    http_basic: ["username", "password"],
    oauth2_client_credentials: ["access_token_url", "client_id", "client_secret", "client_auth", "default_token_expiration"],
  };
  for (const [type, fields] of Object.entries(authFields)) {
    await choose(browser, ["client", "auth", "type"], type);
    for (const f of fields) {
      const el = await browser.$(`#f-client-auth-${f}, #f-client-auth-${f}-keychain`);
      assert.ok(await el.isExisting(), `${type} has a ${f} field`);
    }
    await app.screenshot(`editor-auth-form-${type}`);
  }

  await openSection(browser, "client");
  // Every key of each paginator in the config model (ui/src/bindings/config/*Paginator.ts).
  const stop = ["stop_after_empty_page", "has_more_path"];
  const paginatorFields: Record<string, string[]> = {
    auto: [],
    single_page: [],
    offset: ["limit", "offset", "offset_param", "offset_body_path", "limit_param", "limit_body_path", "total_path", "maximum_offset", ...stop],
    page_number: ["base_page", "page", "page_param", "page_body_path", "total_path", "maximum_page", ...stop],
    cursor: ["cursor_path", "cursor_param", "cursor_body_path", ...stop],
    json_link: ["next_url_path"],
    header_link: ["links_next_key"],
    header_cursor: ["cursor_key", "cursor_param"],
  };

  for (const [type, fields] of Object.entries(paginatorFields)) {
    await choose(browser, ["client", "paginator", "type"], type);
    const shown = await browser.execute(() =>
      Array.from(document.querySelectorAll('[id^="f-client-paginator-"]'))
        .map((e) => e.id.replace("f-client-paginator-", ""))
        .filter((id) => id !== "type" && !id.includes("-")),
    );
    assert.deepEqual(shown.sort(), [...fields].sort(), `${type} shows exactly its fields`);
    await app.screenshot(`editor-paginator-${type}`);
  }

  await openSection(browser, "resources");
  await (await browser.$("button.resource-pick=tickets")).click();
  const incremental = await browser.$('[data-testid="incremental-group"]');
  await incremental.scrollIntoView({ block: "start" });
  await app.screenshot("editor-incremental");

  // What a second sync does, where the write disposition is chosen.
  const effect = await browser.$('[data-testid="load-group"] [data-testid="disposition-effect"]');
  await effect.scrollIntoView({ block: "center" });
  assert.match(await effect.getText(), /updates the rows whose primary key it sees again/, "merge, from Defaults");
  await choose(browser, ["resources", 3, "write_disposition"], "append");
  await browser.waitUntil(async () => /a changed record has a row for each version/.test(await effect.getText()), {
    timeoutMsg: "append with an incremental says what a second sync adds",
  });
  await app.screenshot("editor-disposition-append");
  await (await browser.$('[data-testid="use-merge"]')).click();
  const select = await browser.$("#f-resources-3-write_disposition");
  await browser.waitUntil(async () => (await select.getValue()) === "merge", { timeoutMsg: "merge chosen" });
  assert.match(await effect.getText(), /updates the rows whose primary key/);
});
