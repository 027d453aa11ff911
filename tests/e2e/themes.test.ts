// Every tab of a synced connector in both themes: a screenshot of each, and on each the checks a
// person does by eye, made exact. Native controls (selects, checkboxes, inputs) follow the theme
// through `color-scheme`, and every piece of text on screen stands out from what is behind it
// (WCAG contrast: 4.5:1 for text, 3:1 for large or bold text).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openDemoConnector, openSection, openTab, runTest, syncAndWait } from "./editor-helpers.ts";
import { launchApp, type AppSession, type Browser } from "./harness.ts";

let app: AppSession;

before(async () => {
  app = await launchApp();
  const { browser } = app;
  await openDemoConnector(browser);
  // A sync first, so the Schema, Sync, Data and History tabs show what they show after work.
  await syncAndWait(browser);
});

after(async () => {
  await app?.close();
});

/** What the page shows that a person cannot read or that ignores the theme, in words. */
async function unreadable(browser: Browser): Promise<string[]> {
  return browser.execute(() => {
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba | null => {
      const m = /rgba?\(([^)]+)\)/.exec(css) ?? /color\(srgb ([^)]+)\)/.exec(css);
      if (!m) return null;
      const parts = m[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
      const srgb = css.startsWith("color(");
      const [r, g, b] = parts.slice(0, 3).map((v) => (srgb ? v * 255 : v));
      return [r!, g!, b!, parts[3] ?? 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (v: number) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    // The colour behind an element: its own background over its ancestors' backgrounds.
    const behind = (el: Element | null): Rgba => {
      const layers: Rgba[] = [];
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg && bg[3] > 0) {
          layers.push(bg);
          if (bg[3] >= 1) break;
        }
      }
      let color: Rgba = [255, 255, 255, 1];
      for (const layer of layers.reverse()) color = over(layer, color);
      return color;
    };
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && Number(s.opacity) > 0.5 && r.bottom > 0 && r.top < innerHeight;
    };
    const theme = document.documentElement.dataset.theme ?? "light";
    const found: string[] = [];
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.split(" ").join(".")}` : ""}`;

    if (getComputedStyle(document.documentElement).colorScheme !== theme) {
      found.push(`the page's color-scheme is ${getComputedStyle(document.documentElement).colorScheme}, not ${theme}`);
    }
    for (const el of document.querySelectorAll("select, input, textarea, button")) {
      if (!visible(el)) continue;
      const scheme = getComputedStyle(el).colorScheme;
      if (!scheme.includes(theme)) found.push(`${name(el)} draws with color-scheme ${scheme}`);
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || seen.has(el) || (node.textContent ?? "").trim() === "") continue;
      seen.add(el);
      if (!visible(el) || el.closest("[disabled], [aria-disabled='true'], option")) continue;
      const style = getComputedStyle(el);
      const fg = parse(style.color);
      if (!fg) continue;
      const bg = behind(el);
      const text = over(fg, bg);
      const [hi, lo] = [luminance(text), luminance(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      if (ratio < needed) {
        found.push(`${name(el)} "${node.textContent!.trim().slice(0, 40)}": contrast ${ratio.toFixed(2)} < ${needed}`);
      }
    }
    return found;
  });
}

async function theme(browser: Browser, want: "light" | "dark") {
  const now = await browser.execute(() => document.documentElement.dataset.theme);
  if (now !== want) await (await browser.$(`button=${want === "dark" ? "Dark" : "Light"} theme`)).click();
  await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.dataset.theme)) === want);
}

/** Each tab (and each editor section) with what makes it show its content. */
const views: { name: string; open: (browser: Browser) => Promise<void> }[] = [
  { name: "overview", open: (b) => openTab(b, "overview") },
  ...["client", "auth", "defaults", "resources", "pipeline", "json"].map((section) => ({
    name: `edit-${section}`,
    open: async (b: Browser) => {
      await openTab(b, "edit");
      await openSection(b, section);
    },
  })),
  {
    name: "test",
    open: async (b) => {
      await runTest(b);
      await (await b.$('[data-testid="test-summary"]')).waitForDisplayed({ timeout: 90_000 });
    },
  },
  {
    name: "schema",
    open: async (b) => {
      await openTab(b, "schema");
      await (await b.$('[data-testid="run-schema"]')).click();
      await (await b.$('[data-testid="schema-difference"]')).waitForDisplayed({ timeout: 60_000 });
    },
  },
  { name: "sync", open: (b) => openTab(b, "sync") },
  {
    name: "data",
    open: async (b) => {
      await openTab(b, "data");
      await (await b.$('[data-testid="grid-status"]')).waitForDisplayed({ timeout: 30_000 });
      await b.waitUntil(async () => /^Rows/.test(await (await b.$('[data-testid="grid-status"]')).getText()), {
        timeout: 30_000,
      });
    },
  },
  {
    name: "history",
    open: async (b) => {
      await openTab(b, "history");
      await (await b.$('[data-testid="tab-history"][aria-selected="true"]')).waitForExist();
    },
  },
  {
    name: "export",
    open: async (b) => {
      await openTab(b, "export");
      await (await b.$('[data-testid="tab-export"][aria-selected="true"]')).waitForExist();
    },
  },
];

for (const want of ["light", "dark"] as const) {
  test(`every tab reads well in the ${want} theme`, async () => {
    const { browser } = app;
    await theme(browser, want);
    const problems: string[] = [];
    for (const view of views) {
      await view.open(browser);
      await app.screenshot(`theme-${want}-${view.name}`);
      for (const problem of await unreadable(browser)) problems.push(`${view.name}: ${problem}`);
    }
    assert.deepEqual(problems, [], `in the ${want} theme`);
  });
}
