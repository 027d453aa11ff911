import { useCallback, useEffect, useState } from "preact/hooks";
import { api, type CommandError, type ConnectorSummary, type ImportOutcome } from "./api";
import { ConnectorView } from "./connector-view";
import { startAt, type EditorStart } from "./editor/editor";
import { ConnectorActions, UndoToast } from "./editor/connector-actions";
import { EmptyState } from "./empty-state";
import { ImportDialog } from "./import-dialog";
import { importNotice, type Notice } from "./import-notice";
import { NewConnectorDialog } from "./new-connector-dialog";
import { usePersistedFlag } from "./persisted";
import { ThemeToggle } from "./theme-toggle";

type Load =
  | { state: "loading" }
  | { state: "failed"; error: CommandError }
  | { state: "ready"; connectors: ConnectorSummary[] };

export function App() {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [selected, setSelected] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [openingDemo, setOpeningDemo] = useState(false);
  const [notice, setNoticeOf] = useState<Notice | null>(null);
  // Failures anywhere in the app come as plain text and show as errors.
  const setNotice = useCallback(
    (text: string | null) => setNoticeOf(text ? { text, tone: "error" } : null),
    [],
  );
  const [deleted, setDeleted] = useState<ConnectorSummary | null>(null);
  // Where a just-imported connector opens in the editor (its first problem).
  const [openAt, setOpenAt] = useState<{ id: number; start: EditorStart } | null>(null);
  // Hiding the connector list gives the Data tab's grid the whole window.
  const [sidebarHidden, setSidebarHidden] = usePersistedFlag("sluice.sidebarHidden", false);

  const refresh = useCallback(async () => {
    try {
      setLoad({ state: "ready", connectors: await api.listConnectors() });
    } catch (error) {
      setLoad({ state: "failed", error: error as CommandError });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // After a rename, duplicate, delete or restore: reload the list and select `select` (null: none).
  const changed = async (select?: number | null) => {
    await refresh();
    if (select !== undefined) setSelected(select);
  };

  const undoDelete = async (connector: ConnectorSummary) => {
    setDeleted(null);
    try {
      const restored = await api.restoreConnector(connector.id);
      await changed(restored.id);
    } catch (error) {
      setNotice((error as CommandError).message);
    }
  };

  const created = async (connector: ConnectorSummary) => {
    setCreating(false);
    await refresh();
    setSelected(connector.id);
  };

  const imported = async (outcome: ImportOutcome) => {
    setImporting(false);
    setNoticeOf(importNotice(outcome));
    await refresh();
    const first = outcome.connectors[0];
    // A connector that did not read yet: open the editor at its first problem, not the Overview.
    setOpenAt(first?.opensAt ? { id: first.connector.id, start: startAt(first.opensAt) } : null);
    setSelected(first?.connector.id ?? null);
  };

  const openDemo = async () => {
    setOpeningDemo(true);
    setNotice(null);
    try {
      const opened = await api.openDemoConnector();
      if (opened.keychainProblem) {
        setNotice(`The demo's credentials could not be stored in your keychain: ${opened.keychainProblem}`);
      }
      await refresh();
      setSelected(opened.connector.id);
    } catch (error) {
      setNotice((error as CommandError).message);
    } finally {
      setOpeningDemo(false);
    }
  };

  const connectors = load.state === "ready" ? load.connectors : [];
  const current = connectors.find((c) => c.id === selected) ?? null;

  return (
    <div class={sidebarHidden ? "shell sidebar-hidden" : "shell"}>
      <header class="topbar">
        <div class="brand">
          <button
            type="button"
            class="button ghost small"
            aria-expanded={!sidebarHidden}
            aria-controls="connector-sidebar"
            data-testid="toggle-sidebar"
            title={sidebarHidden ? "Show the connector list" : "Hide the connector list"}
            onClick={() => setSidebarHidden(!sidebarHidden)}
          >
            {sidebarHidden ? "☰ Connectors" : "☰"}
          </button>
          <img src="/favicon.png" alt="" width={20} height={20} />
          <span>Sluice</span>
        </div>
        <ThemeToggle />
      </header>
      <nav class="sidebar" id="connector-sidebar" aria-label="Connectors" hidden={sidebarHidden}>
        <div class="sidebar-head">
          <h2>Connectors</h2>
          <div class="head-actions">
            <button
              type="button"
              class="button small"
              data-testid="import-connector"
              onClick={() => setImporting(true)}
            >
              Import
            </button>
            <button
              type="button"
              class="button small"
              data-testid="new-connector"
              onClick={() => setCreating(true)}
            >
              New
            </button>
          </div>
        </div>
        {connectors.length === 0 ? (
          <p class="muted sidebar-empty">Nothing here yet.</p>
        ) : (
          <ul class="connector-list" data-testid="connector-list">
            {connectors.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  class={c.id === selected ? "connector-item selected" : "connector-item"}
                  aria-current={c.id === selected ? "page" : undefined}
                  onClick={() => {
                    setOpenAt(null);
                    setSelected(c.id);
                  }}
                >
                  <span class="connector-name">{c.name}</span>
                  <span class="connector-meta">{c.baseUrl ?? "no base URL"}</span>
                </button>
                {c.id === selected && (
                  <ConnectorActions
                    key={c.id}
                    connector={c}
                    onChanged={changed}
                    onDeleted={setDeleted}
                    onNotice={setNotice}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </nav>
      <main class="main">
        {notice && (
          <div
            class={`notice ${notice.tone} dismissible`}
            role={notice.tone === "error" ? "alert" : "status"}
            data-testid="app-notice"
          >
            <span>{notice.text}</span>
            <button
              type="button"
              class="button small ghost"
              aria-label="Dismiss this message"
              data-testid="dismiss-notice"
              onClick={() => setNoticeOf(null)}
            >
              ✕
            </button>
          </div>
        )}
        {load.state === "loading" && <p class="muted center">Loading connectors…</p>}
        {load.state === "failed" && (
          <div class="notice error" role="alert">
            <strong>Sluice could not read its connectors.</strong>
            <p>{load.error.message}</p>
            <button type="button" class="button" onClick={() => void refresh()}>
              Try again
            </button>
          </div>
        )}
        {load.state === "ready" && connectors.length === 0 && (
          <EmptyState
            onCreate={() => setCreating(true)}
            onImport={() => setImporting(true)}
            onOpenDemo={() => void openDemo()}
            openingDemo={openingDemo}
          />
        )}
        {load.state === "ready" && connectors.length > 0 && current === null && (
          <p class="muted center">Pick a connector on the left, or create a new one.</p>
        )}
        {/* Keyed by id: another connector opens on its Overview with fresh tab state. */}
        {current !== null && (
          <ConnectorView
            key={current.id}
            id={current.id}
            onChanged={() => void refresh()}
            start={openAt?.id === current.id ? openAt.start : undefined}
          />
        )}
      </main>
      {deleted && (
        <UndoToast connector={deleted} onUndo={() => void undoDelete(deleted)} onClose={() => setDeleted(null)} />
      )}
      {importing && <ImportDialog onImported={imported} onCancel={() => setImporting(false)} />}
      {creating && (
        <NewConnectorDialog onCreated={created} onCancel={() => setCreating(false)} />
      )}
    </div>
  );
}
