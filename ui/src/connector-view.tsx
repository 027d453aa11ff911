import { useEffect, useState } from "preact/hooks";
import { api, type CommandError, type Connector, type SecretStatus } from "./api";
import { Editor, type EditorStart } from "./editor/editor";
import { ExportPanel } from "./editor/export-panel";
import { History } from "./editor/history";
import { DataPanel } from "./panels/data-panel";
import { SchemaPanel } from "./panels/schema-panel";
import { SyncPanel } from "./panels/sync-panel";
import { TestPanel } from "./panels/test-panel";

type ResourceLike = string | { name?: string; endpoint?: string | { path?: string } };

function resourceRow(resource: ResourceLike): { name: string; path: string } {
  if (typeof resource === "string") return { name: resource, path: resource };
  const endpoint = resource.endpoint;
  const path = typeof endpoint === "string" ? endpoint : (endpoint?.path ?? resource.name ?? "");
  return { name: resource.name ?? "(unnamed)", path };
}

/**
 * The tabs of an open connector, in the order a user works: look at it, edit it, try a resource,
 * see the tables it will make, run it, browse the data. Each tab is its own component that gets
 * the connector's id; `key` remounts tabs when another connector opens.
 */
const TABS = [
  { id: "overview", label: "Overview" },
  { id: "edit", label: "Edit" },
  { id: "test", label: "Test" },
  { id: "schema", label: "Schema" },
  { id: "sync", label: "Sync" },
  { id: "data", label: "Data" },
  { id: "history", label: "History" },
  { id: "export", label: "Export" },
] as const satisfies readonly { id: string; label: string }[];

type TabId = (typeof TABS)[number]["id"];

/** `start`: open on the editor there (an import with a problem to fix) instead of the Overview. */
export function ConnectorView({ id, onChanged, start }: { id: number; onChanged?: () => void; start?: EditorStart }) {
  const [tab, setTabOf] = useState<TabId>(start ? "edit" : "overview");
  // Set when the user is sent to a section of the editor; a tab click clears it.
  const [editStart, setEditStart] = useState<EditorStart | undefined>(start);
  const setTab = (next: TabId) => {
    setEditStart(undefined);
    setTabOf(next);
  };
  const openEditor = (start: EditorStart) => {
    setEditStart(start);
    setTabOf("edit");
  };
  // Arrow keys move between tabs, as in every desktop tab strip (WAI-ARIA tabs pattern).
  const onKeyDown = (e: KeyboardEvent) => {
    const at = TABS.findIndex((t) => t.id === tab);
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = TABS[(at + step + TABS.length) % TABS.length];
    if (!next) return;
    setTab(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };
  return (
    <div class="connector-tabs">
      <div class="tab-strip" role="tablist" aria-label="Connector" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            class="tab"
            data-testid={`tab-${t.id}`}
            aria-selected={t.id === tab}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === tab ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div class="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "overview" && <Overview id={id} onEdit={openEditor} />}
        {tab === "edit" && <Editor id={id} onSaved={onChanged} start={editStart} />}
        {tab === "test" && <TestPanel id={id} onConfigChanged={() => onChanged?.()} onEdit={openEditor} />}
        {tab === "schema" && <SchemaPanel id={id} />}
        {tab === "sync" && <SyncPanel id={id} onSynced={() => undefined} onEdit={openEditor} />}
        {tab === "data" && <DataPanel id={id} />}
        {tab === "history" && <History id={id} onReverted={onChanged} />}
        {tab === "export" && <ExportPanel id={id} />}
      </div>
    </div>
  );
}

/** The selected connector's overview: where it points, what it reads, and its secrets' state. */
function Overview({ id, onEdit }: { id: number; onEdit: (start: EditorStart) => void }) {
  const [connector, setConnector] = useState<Connector | null>(null);
  const [secrets, setSecrets] = useState<SecretStatus[] | null>(null);
  const [secretsError, setSecretsError] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);

  useEffect(() => {
    let live = true;
    setConnector(null);
    setSecrets(null);
    setSecretsError(null);
    setError(null);
    api.getConnector(id).then(
      (c) => live && setConnector(c),
      (e: CommandError) => live && setError(e),
    );
    api.secretStatus(id).then(
      (s) => live && setSecrets(s),
      (e: CommandError) => live && setSecretsError(e.message),
    );
    return () => {
      live = false;
    };
  }, [id]);

  if (error) {
    return (
      <div class="notice error" role="alert">
        {error.message}
      </div>
    );
  }
  if (!connector) return <p class="muted center">Opening…</p>;

  const config = connector.config as {
    client?: { base_url?: string; auth?: { type?: string } };
    resources?: ResourceLike[];
  };
  const resources = (config.resources ?? []).map(resourceRow);
  return (
    <section class="connector-view" data-testid="connector-view">
      <h1>{connector.name}</h1>
      {connector.notice && (
        <div class="notice info" role="status" data-testid="connector-notice">
          <p class="lines">{connector.notice}</p>
          <button
            type="button"
            class="button"
            data-testid="dismiss-notice"
            onClick={() => api.dismissNotice(id).then(setConnector, (e: CommandError) => setError(e))}
          >
            Got it
          </button>
        </div>
      )}
      <dl class="facts">
        <dt>Base URL</dt>
        <dd>
          <code>{config.client?.base_url ?? "—"}</code>
        </dd>
        <dt>Sign-in</dt>
        <dd>{config.client?.auth?.type ?? "none"}</dd>
      </dl>

      <h2 class="section-title">Resources</h2>
      {resources.length === 0 ? (
        <div class="empty-inline" data-testid="no-resources">
          <p class="muted">
            This connector has no resources yet. A resource is one endpoint of the API; each becomes a table.
          </p>
          <button
            type="button"
            class="button primary"
            data-testid="overview-add-resource"
            onClick={() => onEdit({ section: "resources", addResource: true })}
          >
            Add a resource
          </button>
        </div>
      ) : (
        <table class="table" data-testid="resource-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Endpoint path</th>
            </tr>
          </thead>
          <tbody>
            {resources.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td>
                  <code>{r.path}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 class="section-title">Secrets</h2>
      {secretsError && (
        <div class="notice error" role="alert">
          {secretsError}
        </div>
      )}
      {secrets && secrets.length === 0 && <p class="muted">This connector uses no secrets.</p>}
      {secrets && secrets.length > 0 && (
        <ul class="secret-list" data-testid="secret-list">
          {secrets.map((s) => (
            <li key={s.name}>
              <code>{s.name}</code>{" "}
              <span class={s.isSet ? "badge ok" : "badge missing"}>
                {s.isSet ? (s.fromEnvironment ? "set by environment" : "set in keychain") : "not set"}
              </span>
            </li>
          ))}
        </ul>
      )}
      {secrets && secrets.some((s) => !s.isSet) && (
        <div class="hint" data-testid="secret-hint">
          <p>
            Set{" "}
            {secrets
              .filter((s) => !s.isSet)
              .map((s, i, missing) => (
                <span key={s.name}>
                  {i > 0 && (i === missing.length - 1 ? " and " : ", ")}
                  <code>{s.name}</code>
                </span>
              ))}{" "}
            under Auth.{" "}
            <button type="button" class="button small" data-testid="open-auth" onClick={() => onEdit({ section: "auth" })}>
              Open Auth
            </button>
          </p>
          <p class="muted small">
            Or from a terminal: <code>sluice secrets set connector-{connector.uid} NAME</code>
          </p>
        </div>
      )}
    </section>
  );
}
