import { defineConfig } from "vitest/config";

// The front end lives in ui/ and is bundled into dist/, which the Tauri shell serves.
export default defineConfig({
  root: "ui",
  clearScreen: false,
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    target: "safari15",
  },
  server: { port: 5173, strictPort: true },
  test: {
    root: ".",
    include: ["ui/src/**/*.test.{ts,tsx}"],
    environment: "jsdom",
  },
});
