import { useEffect, useRef, useState } from "preact/hooks";
import {
  api,
  type CommandError,
  type DataExportFormat,
  type DataTables,
  type DataWindow,
  type ExportSource,
} from "../api";
import type { Filter } from "../bindings/load/Filter";
import type { Sort } from "../bindings/load/Sort";
import type { TableSummary } from "../bindings/load/TableSummary";
import { usePersistedFlag } from "../persisted";
import { Grid, nestedName, parseFilter } from "./grid";

/** The filters the per-column boxes' texts stand for. */
function filtersOf(texts: Record<string, string>): Filter[] {
  return Object.entries(texts)
    .map(([column, text]) => parseFilter(column, text))
    .filter((f): f is Filter => f !== null);
}

/** The tables `name` is nested in, nearest first. */
function ancestors(name: string, tables: TableSummary[]): string[] {
  const out: string[] = [];
  let parent = tables.find((t) => t.name === name)?.parent;
  while (parent && !out.includes(parent)) {
    out.push(parent);
    parent = tables.find((t) => t.name === parent)?.parent;
  }
  return out;
}

/** Where the user came from when opening a child table from a parent row. */
type Trail = { table: string; filterText: Record<string, string>; sort: Sort | null };

/** Browse the connector's DuckDB file: pick a table, scroll, sort, filter, query, export. */
export function DataPanel({ id }: { id: number }) {
  const [data, setData] = useState<DataTables | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [gridError, setGridError] = useState<string | null>(null);
  const [table, setTable] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort | null>(null);
  const [filterText, setFilterText] = useState<Record<string, string>>({});
  const [filters, setFilters] = useState<Filter[]>([]);
  const [trail, setTrail] = useState<Trail[]>([]);
  const [listHidden, setListHidden] = usePersistedFlag("sluice.data.tableListHidden", false);
  // Parents whose child tables are folded away in the table list.
  const [folded, setFolded] = useState<Set<string>>(new Set());
  const debounce = useRef<number | undefined>(undefined);

  const load = async () => {
    setError(null);
    try {
      const d = await api.dataTables(id);
      setData(d);
      setTable((t) => (t && d.tables.some((x) => x.name === t) ? t : (d.tables.find((x) => !x.internal)?.name ?? null)));
    } catch (e) {
      setError((e as CommandError).message);
    }
  };
  useEffect(() => {
    void load();
  }, [id]);
  // Not shown, the tab holds no handle: a `sluice sync` in a terminal can write the file.
  useEffect(() => () => void api.dataRelease().catch(() => undefined), []);

  // Typing in a filter box waits for a pause before querying.
  useEffect(() => {
    window.clearTimeout(debounce.current);
    debounce.current = window.setTimeout(() => setFilters(filtersOf(filterText)), 250);
    return () => window.clearTimeout(debounce.current);
  }, [filterText]);

  const open = (name: string, nextFilters: Record<string, string> = {}, nextSort: Sort | null = null) => {
    setTable(name);
    setSort(nextSort);
    setFilterText(nextFilters);
    setFilters(filtersOf(nextFilters));
    setGridError(null);
  };

  if (error) {
    return (
      <div class="notice error" role="alert">
        {error}{" "}
        <button type="button" class="button small" onClick={() => void load()}>
          Try again
        </button>
      </div>
    );
  }
  if (!data) return <p class="muted">Opening the DuckDB file…</p>;
  if (!data.exists) {
    return (
      <p class="muted" data-testid="data-empty">
        No data yet: <code>{data.dbPath}</code> is created by the first sync. Run one on the Sync tab.
      </p>
    );
  }

  const current = data.tables.find((t) => t.name === table) ?? null;
  return (
    <section class="panel data-panel" data-testid="data-panel" aria-label="Data">
      {listHidden ? (
        <div class="table-list hidden">
          <button
            type="button"
            class="button small ghost"
            aria-label="Show the table list"
            title="Show the table list"
            data-testid="show-table-list"
            onClick={() => setListHidden(false)}
          >
            »
          </button>
        </div>
      ) : (
        <nav class="table-list" aria-label="Tables">
          <div class="table-list-head">
            <span class="muted small" title={`Dataset ${data.dataset}`}>
              {data.dataset}
            </span>
            <span class="head-actions">
              <button type="button" class="button small" onClick={() => void load()} title="Read the file again">
                Reload
              </button>
              <button
                type="button"
                class="button small ghost"
                aria-label="Hide the table list"
                title="Hide the table list"
                data-testid="hide-table-list"
                onClick={() => setListHidden(true)}
              >
                «
              </button>
            </span>
          </div>
          <ul>
            {data.tables
              .filter((t) => !ancestors(t.name, data.tables).some((a) => folded.has(a)))
              .map((t) => {
                const depth = ancestors(t.name, data.tables).length;
                const isFolded = folded.has(t.name);
                return (
                  <li key={t.name} class={t.internal ? "internal" : t.parent ? "child" : ""}>
                    {t.children.length > 0 ? (
                      <button
                        type="button"
                        class="fold"
                        aria-expanded={!isFolded}
                        aria-label={`${isFolded ? "Show" : "Hide"} the tables nested in ${t.name}`}
                        data-testid={`fold-${t.name}`}
                        style={{ marginLeft: `${depth * 14}px` }}
                        onClick={() => {
                          const next = new Set(folded);
                          if (isFolded) next.delete(t.name);
                          else next.add(t.name);
                          setFolded(next);
                        }}
                      >
                        {isFolded ? "▸" : "▾"}
                      </button>
                    ) : (
                      <span class="fold-space" style={{ marginLeft: `${depth * 14}px` }} />
                    )}
                    <button
                      type="button"
                      class={t.name === table ? "table-item selected" : "table-item"}
                      aria-current={t.name === table ? "true" : undefined}
                      data-testid={`table-${t.name}`}
                      title={t.parent ? `${t.name}: rows nested in ${t.parent}` : t.name}
                      onClick={() => {
                        setTrail([]);
                        open(t.name);
                      }}
                    >
                      <span>{t.parent ? nestedName(t.name, t.parent) : t.name}</span>
                      <span class="muted small">{t.rows.toLocaleString()}</span>
                    </button>
                  </li>
                );
              })}
          </ul>
        </nav>
      )}
      <div class="data-main">
        {current ? (
          <>
            <div class="toolbar">
              {trail.length > 0 && (
                <button
                  type="button"
                  class="button small"
                  data-testid="back-to-parent"
                  onClick={() => {
                    const back = trail[trail.length - 1]!;
                    setTrail(trail.slice(0, -1));
                    open(back.table, back.filterText, back.sort);
                  }}
                >
                  ← Back to {trail[trail.length - 1]!.table}
                </button>
              )}
              <h3 data-testid="grid-title">
                <code>{current.name}</code>
              </h3>
              {current.parent && <span class="muted small">rows nested in {current.parent}</span>}
              {(filters.length > 0 || sort) && (
                <button
                  type="button"
                  class="button small"
                  onClick={() => {
                    setFilterText({});
                    setSort(null);
                  }}
                >
                  Clear sort and filters
                </button>
              )}
            </div>
            {gridError && (
              <div class="notice error" role="alert">
                {gridError}
              </div>
            )}
            <Grid
              id={id}
              table={current}
              filters={filters}
              sort={sort}
              onSort={setSort}
              filterText={filterText}
              onFilterText={(column, text) => setFilterText((f) => ({ ...f, [column]: text }))}
              onOpenChild={(child, parentRowId) => {
                setTrail([...trail, { table: current.name, filterText, sort }]);
                open(child, { _dlt_parent_id: `=${parentRowId}` });
              }}
              onError={setGridError}
            />
            <ExportBar
              id={id}
              name={current.name}
              source={{ kind: "table", table: current.name, filters, ...(sort ? { sort } : {}) }}
              label="this table (with its sort and filters)"
            />
          </>
        ) : (
          <p class="muted">This dataset has no tables yet.</p>
        )}
        <SqlBox id={id} />
      </div>
    </section>
  );
}

function ExportBar({ id, name, source, label }: { id: number; name: string; source: ExportSource; label: string }) {
  const [format, setFormat] = useState<DataExportFormat>("csv");
  const [folder, setFolder] = useState<string | null>(null);
  const [path, setPath] = useState("");
  const [edited, setEdited] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string; exists?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.dataExportFolder().then(setFolder, () => setFolder(""));
  }, []);
  useEffect(() => {
    if (folder !== null && !edited) setPath(`${folder}/${name}.${format}`);
  }, [folder, name, format, edited]);

  const run = async (replace = false) => {
    setBusy(true);
    setMessage(null);
    try {
      const rows = await api.dataExport(id, source, path, format, replace);
      setMessage({ ok: true, text: `Wrote ${rows.toLocaleString()} row(s) to ${path}` });
    } catch (e) {
      const error = e as CommandError;
      setMessage({ ok: false, text: error.message, exists: error.kind === "exists" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="export-bar"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <span class="muted small">Export {label} as</span>
      <select
        aria-label="Export format"
        value={format}
        onChange={(e) => setFormat(e.currentTarget.value as DataExportFormat)}
      >
        <option value="csv">CSV</option>
        <option value="parquet">Parquet</option>
      </select>
      <input
        type="text"
        class="wide"
        aria-label="Export file path"
        data-testid={`export-path-${source.kind}`}
        value={path}
        // Once the user is in the field the path is theirs: a late default must not land in it.
        onFocus={() => setEdited(true)}
        onInput={(e) => {
          setEdited(true);
          setPath(e.currentTarget.value);
        }}
      />
      <button type="submit" class="button small" disabled={busy || path.trim() === ""} data-testid={`export-${source.kind}`}>
        {busy ? "Exporting…" : "Export"}
      </button>
      {busy && <StopButton testid={`export-stop-${source.kind}`} />}
      {message && (
        <span class={message.ok ? "ok-text small" : "field-error"} role={message.ok ? "status" : "alert"} data-testid="export-message">
          {message.text}
        </span>
      )}
      {message?.exists && (
        <button type="button" class="button small" data-testid={`export-replace-${source.kind}`} onClick={() => void run(true)}>
          Replace it
        </button>
      )}
    </form>
  );
}

/** Ends the running query or export; it then fails with "Stopped", and nothing was changed. */
function StopButton({ testid }: { testid: string }) {
  return (
    <button type="button" class="button small" data-testid={testid} onClick={() => void api.dataStop()}>
      Stop
    </button>
  );
}

function SqlBox({ id }: { id: number }) {
  const [sql, setSql] = useState("");
  const [result, setResult] = useState<DataWindow | null>(null);
  const [ranSql, setRanSql] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    if (sql.trim() === "") return;
    setBusy(true);
    setError(null);
    try {
      setResult(await api.dataQuery(id, sql, 1000));
      setRanSql(sql);
    } catch (e) {
      setResult(null);
      setError((e as CommandError).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="sql-box" data-testid="sql-box">
      <summary>SQL query</summary>
      <textarea
        aria-label="SQL query"
        data-testid="sql-input"
        rows={4}
        spellcheck={false}
        placeholder="SELECT status, count(*) FROM tickets GROUP BY status   (Ctrl+Enter runs)"
        value={sql}
        onInput={(e) => setSql(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void run();
          }
        }}
      />
      <div class="toolbar">
        <button type="button" class="button small primary" data-testid="sql-run" disabled={busy} onClick={() => void run()}>
          {busy ? "Running…" : "Run query"}
        </button>
        {busy && <StopButton testid="sql-stop" />}
        <span class="muted small">One query at a time, read-only, with no access to other files or the network; table names without a schema mean this dataset's.</span>
      </div>
      {error && (
        <div class="notice error" role="alert" data-testid="sql-error">
          {error}
        </div>
      )}
      {result && (
        <>
          <div class="table-scroll sql-result">
            <table class="table compact" data-testid="sql-result">
              <thead>
                <tr>
                  {result.columns.map((c) => (
                    <th key={c.name} scope="col">
                      {c.name} <span class="col-type">{c.dataType}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.rows.map((row, i) => (
                  <tr key={i}>
                    {row.map((cell, j) => (
                      <td key={j} class={cell === null ? "null" : ""}>
                        {cell ?? "NULL"}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted small">
            {result.rows.length} row(s){result.more ? "; more rows not shown (export the query to get them all)" : ""}
          </p>
          <ExportBar id={id} name="query" source={{ kind: "query", sql: ranSql }} label="the whole query result" />
        </>
      )}
    </details>
  );
}
