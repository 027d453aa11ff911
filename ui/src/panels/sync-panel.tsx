import { useEffect, useRef, useState } from "preact/hooks";
import { api, type CommandError, type Run, type SyncEvent, type SyncTarget } from "../api";
import type { ResourceLoading } from "../bindings/app/ResourceLoading";
import type { ResourceSummary } from "../bindings/load/ResourceSummary";
import type { EditorStart } from "../editor/editor";
import { FixLink } from "../editor/fix-link";
import { dispositionEffect } from "../editor/resources";

type Progress = {
  state: "waiting" | "running" | "done" | "failed" | "cancelled";
  pages: number;
  records: number;
  rows: number;
  retries: number;
  waits: number;
  seconds: number;
  last?: string;
  summary?: ResourceSummary;
};

const fresh = (): Progress => ({ state: "waiting", pages: 0, records: 0, rows: 0, retries: 0, waits: 0, seconds: 0 });

/** Folds one sync event into the per-resource progress the panel shows. */
export function applyEvent(progress: Record<string, Progress>, event: SyncEvent): Record<string, Progress> {
  const next = { ...progress };
  const at = (name: string) => (next[name] = { ...(next[name] ?? fresh()) });
  switch (event.kind) {
    case "started":
      for (const r of event.resources) next[r] = fresh();
      break;
    case "resource_started":
      at(event.resource).state = "running";
      break;
    case "progress": {
      const p = at(event.resource);
      Object.assign(p, { pages: event.pages, records: event.records, rows: event.rows, seconds: event.seconds });
      break;
    }
    case "engine": {
      const p = at(event.event.resource);
      if (event.event.kind === "retry") p.retries += 1;
      if (event.event.kind === "wait") p.waits += 1;
      // The latest word from the engine, pages and requests included, so the column moves
      // with the counters beside it.
      p.last = event.event.message;
      break;
    }
    case "resource_done": {
      const p = at(event.resource);
      p.state = event.cancelled ? "cancelled" : event.error ? "failed" : "done";
      p.summary = event;
      p.seconds = event.seconds;
      p.pages = event.pages;
      p.records = event.records;
      p.rows = Object.values(event.tables).reduce((a, b) => a + b, 0);
      break;
    }
  }
  return next;
}

/** Sync: where it writes, which resources, live progress per resource, cancel, and the history. */
/** The disposition, then what the next sync does with it (the resource form says the same). */
function secondSync(loading: ResourceLoading): string {
  const name = loading.disposition.charAt(0).toUpperCase() + loading.disposition.slice(1);
  return `${name}: ${dispositionEffect(loading.disposition, loading.keyed, loading.incremental)}`;
}

export function SyncPanel({
  id,
  onSynced,
  onEdit,
}: {
  id: number;
  onSynced: () => void;
  onEdit: (start: EditorStart) => void;
}) {
  const [target, setTarget] = useState<SyncTarget | null>(null);
  /** The file the user chose under "Change…" in this visit: choosing it was the confirmation. */
  const [typedPath, setTypedPath] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [fullRefresh, setFullRefresh] = useState(false);
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [running, setRunning] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const [finished, setFinished] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [runs, setRuns] = useState<Run[]>([]);
  const [editingPath, setEditingPath] = useState<string | null>(null);
  const [pathError, setPathError] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);

  const refresh = async () => {
    try {
      const t = await api.syncTarget(id);
      setTarget(t);
      setChosen((c) => (c.length === 0 ? t.resources : c.filter((r) => t.resources.includes(r))));
      setRuns(await api.listRuns(id));
    } catch (e) {
      setError((e as CommandError).message);
    }
  };

  useEffect(() => {
    void refresh();
    return () => window.clearInterval(timer.current);
  }, [id]);

  const start = async (confirmedPath?: string) => {
    if (!target) return;
    setRunning(true);
    setCancelling(false);
    setFinished(null);
    setError(null);
    setProgress({});
    const began = Date.now();
    setElapsed(0);
    timer.current = window.setInterval(() => setElapsed((Date.now() - began) / 1000), 250);
    try {
      const all = chosen.length === target.resources.length;
      // A file the user just typed under "Change…" needs no second yes.
      const agreed = confirmedPath ?? (typedPath === target.dbPath ? typedPath : undefined);
      const run = await api.startSync({ id, resources: all ? [] : chosen, fullRefresh, confirmedPath: agreed }, (event) =>
        setProgress((p) => applyEvent(p, event)),
      );
      setFinished(run);
      onSynced();
    } catch (e) {
      setError((e as CommandError).message);
    } finally {
      window.clearInterval(timer.current);
      setRunning(false);
      await refresh();
    }
  };

  const cancel = async () => {
    setCancelling(true);
    await api.cancelSync(id).catch(() => false);
  };

  const savePath = async (path: string | null) => {
    setPathError(null);
    try {
      const saved = await api.setSyncPath(id, path);
      setTypedPath(path === null ? null : saved.dbPath);
      setTarget(saved);
      setEditingPath(null);
    } catch (e) {
      setPathError((e as CommandError).message);
    }
  };

  if (!target) {
    return error ? (
      <div class="notice error" role="alert">
        {error}
      </div>
    ) : (
      <p class="muted">Loading…</p>
    );
  }
  if (target.resources.length === 0) {
    return <p class="muted">This connector has no resources to sync yet. Add one in the editor.</p>;
  }

  const toggle = (name: string) =>
    setChosen((c) => (c.includes(name) ? c.filter((r) => r !== name) : target.resources.filter((r) => r === name || c.includes(r))));

  return (
    <section class="panel" data-testid="sync-panel" aria-label="Sync">
      <div class="field-row">
        <span class="label">DuckDB file</span>
        {editingPath === null ? (
          <>
            <code data-testid="db-path">{target.dbPath}</code>
            <span class="muted small">
              {target.isDefault ? "(default)" : ""} dataset <code>{target.dataset}</code>
            </span>
            <button type="button" class="button small" disabled={running} onClick={() => setEditingPath(target.dbPath)}>
              Change…
            </button>
          </>
        ) : (
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void savePath(editingPath);
            }}
          >
            <input
              type="text"
              aria-label="DuckDB file path"
              data-testid="db-path-input"
              value={editingPath}
              class="wide"
              aria-invalid={pathError ? true : undefined}
              aria-describedby={pathError ? "db-path-error" : undefined}
              onInput={(e) => setEditingPath(e.currentTarget.value)}
              onKeyDown={(e) => e.key === "Escape" && setEditingPath(null)}
              autoFocus
            />
            <button type="submit" class="button small primary">
              Save
            </button>
            {!target.isDefault && (
              <button type="button" class="button small" onClick={() => void savePath(null)}>
                Use default
              </button>
            )}
            <button type="button" class="button small" onClick={() => setEditingPath(null)}>
              Cancel
            </button>
            {pathError && (
              <small id="db-path-error" class="field-error" role="alert">
                {pathError}
              </small>
            )}
          </form>
        )}
      </div>

      <fieldset class="resource-picks" disabled={running}>
        <legend>Resources to run</legend>
        {target.resources.map((r) => {
          const loading = target.loading.find((l) => l.resource === r);
          return (
            <div key={r} class="sync-pick">
              <label class="check">
                <input type="checkbox" checked={chosen.includes(r)} onChange={() => toggle(r)} /> {r}
              </label>
              {loading && (
                <small class="muted small" data-testid={`second-sync-${r}`}>
                  {secondSync(loading)}
                </small>
              )}
            </div>
          );
        })}
        <label class="check">
          <input type="checkbox" checked={fullRefresh} onChange={(e) => setFullRefresh(e.currentTarget.checked)} /> Full
          refresh <span class="muted small">(drop these tables and incremental state first)</span>
        </label>
      </fieldset>

      {target.needsConfirmation && !running && typedPath !== target.dbPath && (
        <div class="notice warn" role="status" data-testid="confirm-target">
          This connector syncs into <code>{target.dbPath}</code>, outside Sluice's data folder. Sluice creates or changes
          tables there (dataset <code>{target.dataset}</code>). Sync into this file, or change it above.
        </div>
      )}
      <div class="toolbar">
        {!running && target.needsConfirmation && typedPath !== target.dbPath ? (
          <button
            type="button"
            class="button primary"
            data-testid="run-sync-confirmed"
            disabled={chosen.length === 0}
            onClick={() => void start(target.dbPath)}
          >
            Sync into this file
          </button>
        ) : !running ? (
          <button
            type="button"
            class="button primary"
            data-testid="run-sync"
            disabled={chosen.length === 0}
            onClick={() => void start()}
          >
            Sync {chosen.length === target.resources.length ? "all resources" : `${chosen.length} resource(s)`}
          </button>
        ) : (
          <button type="button" class="button danger" data-testid="cancel-sync" disabled={cancelling} onClick={() => void cancel()}>
            {cancelling ? "Cancelling…" : "Cancel sync"}
          </button>
        )}
        {running && (
          <span class="muted" role="status" data-testid="sync-elapsed">
            Running for {elapsed.toFixed(0)} s
          </span>
        )}
      </div>

      {error && (
        <div class="notice error" role="alert">
          {error}
        </div>
      )}
      {Object.keys(progress).length > 0 && <ProgressTable progress={progress} />}
      {finished && <Finished run={finished} onEdit={onEdit} />}
      <History runs={runs} />
    </section>
  );
}

function ProgressTable({ progress }: { progress: Record<string, Progress> }) {
  return (
    <table class="table compact" data-testid="sync-progress">
      <thead>
        <tr>
          <th scope="col">Resource</th>
          <th scope="col">State</th>
          <th scope="col">Pages</th>
          <th scope="col">Records</th>
          <th scope="col">Rows</th>
          <th scope="col">Retries</th>
          <th scope="col">Waits</th>
          <th scope="col">Time</th>
          <th scope="col">Latest</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(progress).map(([name, p]) => (
          <tr key={name} data-testid={`progress-${name}`} data-state={p.state}>
            <td>{name}</td>
            <td>
              <span
                class={`badge ${p.state === "done" ? "ok" : p.state === "failed" ? "missing" : p.state === "cancelled" ? "pending" : ""}`}
              >
                {p.state}
              </span>
            </td>
            <td>{p.pages}</td>
            <td>{p.records}</td>
            <td>{p.rows}</td>
            <td>{p.retries}</td>
            <td>{p.waits}</td>
            <td>{p.seconds.toFixed(1)} s</td>
            <td class="muted small latest" data-testid={`latest-${name}`}>
              {p.state === "cancelled" ? "Cancelled: nothing of this resource was loaded." : (p.summary?.error ?? p.last ?? "")}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type SummaryShape = {
  error?: string;
  next_step?: string;
  resources?: ResourceSummary[];
};

function Finished({ run, onEdit }: { run: Run; onEdit: (start: EditorStart) => void }) {
  const summary = (run.summary ?? {}) as SummaryShape;
  const failed = (summary.resources ?? []).filter((r) => r.error && !r.cancelled);
  const warned = (summary.resources ?? []).filter((r) => !r.error && r.warning);
  return (
    <div
      class={`notice ${run.status === "succeeded" ? "ok" : run.status === "cancelled" ? "warn" : "error"}`}
      role="status"
      data-testid="sync-summary"
      data-status={run.status}
    >
      <strong>
        {run.status === "succeeded" && `Sync finished: ${run.rows} row(s) written.`}
        {run.status === "failed" && `Sync failed${run.rows > 0 ? ` after writing ${run.rows} row(s)` : ""}.`}
        {run.status === "cancelled" &&
          `Sync cancelled. Resources that finished kept their ${run.rows} row(s); the one running was rolled back.`}
      </strong>
      {summary.error && (
        <p>
          {summary.error} {summary.next_step}
        </p>
      )}
      {failed.map((r) => (
        <div key={r.resource} class="sync-failure" data-testid={`sync-failure-${r.resource}`}>
          {/* What to do first, with a way there; the error's own words after it. */}
          <p>
            <strong>{r.resource}</strong>: {r.next_step ?? r.error}{" "}
            {r.fix_in && <FixLink section={r.fix_in} onEdit={onEdit} />}
          </p>
          {r.next_step && <p class="small">{r.error}</p>}
        </div>
      ))}
      {warned.map((r) => (
        <p key={r.resource} class="sync-warning" data-testid={`sync-warning-${r.resource}`}>
          <strong>{r.resource}</strong>: {r.warning}
        </p>
      ))}
      <ul class="table-rows">
        {(summary.resources ?? []).flatMap((r) =>
          Object.entries(r.tables).map(([table, rows]) => (
            <li key={`${r.resource}-${table}`}>
              <code>{table}</code>: {rows} row(s)
            </li>
          )),
        )}
      </ul>
    </div>
  );
}

function duration(run: Run): string {
  if (!run.finishedAt) return "—";
  const s = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function History({ runs }: { runs: Run[] }) {
  const [open, setOpen] = useState<number | null>(null);
  const [log, setLog] = useState<string>("");
  const show = async (runId: number) => {
    if (open === runId) {
      setOpen(null);
      return;
    }
    setOpen(runId);
    setLog(await api.runLog(runId).catch((e: CommandError) => e.message));
  };
  if (runs.length === 0) return <p class="muted">No syncs yet. The history of every run appears here.</p>;
  const chartRuns = runs.slice(0, 20).reverse();
  const max = Math.max(1, ...chartRuns.map((r) => r.rows));
  return (
    <div class="history" data-testid="run-history">
      <h3>Run history</h3>
      <svg class="rows-chart" viewBox={`0 0 ${chartRuns.length * 14} 40`} role="img" aria-label="Rows written per run, oldest first">
        {chartRuns.map((r, i) => {
          const h = Math.max(1, (r.rows / max) * 38);
          return (
            <rect key={r.id} x={i * 14 + 2} y={40 - h} width={10} height={h} class={`bar ${r.status}`}>
              <title>
                {r.startedAt}: {r.rows} rows ({r.status})
              </title>
            </rect>
          );
        })}
      </svg>
      <table class="table compact">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col">Resources</th>
            <th scope="col">Rows</th>
            <th scope="col">Duration</th>
            <th scope="col">Log</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <>
              <tr key={r.id} data-testid="run-row" data-status={r.status}>
                <td>{new Date(r.startedAt).toLocaleString()}</td>
                <td>
                  <span
                    class={`badge ${r.status === "succeeded" ? "ok" : r.status === "running" ? "" : r.status === "cancelled" ? "pending" : "missing"}`}
                  >
                    {r.status}
                  </span>
                </td>
                <td>{r.resources.length === 0 ? "all" : r.resources.join(", ")}</td>
                <td>{r.rows}</td>
                <td>{duration(r)}</td>
                <td>
                  <button type="button" class="button small" aria-expanded={open === r.id} onClick={() => void show(r.id)}>
                    {open === r.id ? "Hide" : "Show"}
                  </button>
                </td>
              </tr>
              {open === r.id && (
                <tr key={`${r.id}-log`}>
                  <td colSpan={6}>
                    <pre class="run-log" data-testid="run-log">
                      {log || "(empty)"}
                    </pre>
                  </td>
                </tr>
              )}
            </>
          ))}
        </tbody>
      </table>
    </div>
  );
}
