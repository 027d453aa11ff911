import { useState } from "preact/hooks";
import { api, type CommandError, type SchemaOutcome } from "../api";
import type { ColumnPreview } from "../bindings/load/ColumnPreview";
import type { TablePreview } from "../bindings/load/TablePreview";
import { show } from "./records-table";

/**
 * Schema preview: the tables and columns a sync would create, from the first pages of every
 * resource, and what that adds to the connector's existing DuckDB file. Nothing is written.
 */
export function SchemaPanel({ id }: { id: number }) {
  const [outcome, setOutcome] = useState<SchemaOutcome | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setRunning(true);
    setError(null);
    try {
      setOutcome(await api.previewSchema(id, 2));
    } catch (e) {
      setError((e as CommandError).message);
    } finally {
      setRunning(false);
    }
  };

  const diff = outcome?.preview.difference;
  return (
    <section class="panel" data-testid="schema-panel" aria-label="Schema preview">
      <div class="toolbar">
        <button type="button" class="button primary" data-testid="run-schema" disabled={running} onClick={() => void run()}>
          {running ? "Reading the first pages…" : outcome ? "Preview again" : "Preview schema"}
        </button>
        <span class="muted small">Reads the first two pages of every resource; nothing is written.</span>
      </div>
      {error && (
        <div class="notice error" role="alert">
          {error}
        </div>
      )}
      {!outcome && !running && !error && (
        <p class="muted">See the tables, columns and types a sync would create before running it.</p>
      )}
      {outcome && diff && (
        <>
          <div class="notice info" data-testid="schema-difference">
            {outcome.fileExists ? (
              diff.new_tables.length + diff.new_columns.length + diff.variant_columns.length === 0 ? (
                <span>
                  Nothing new: <code>{outcome.dbPath}</code> already has every table and column.
                </span>
              ) : (
                <span>
                  Compared with <code>{outcome.dbPath}</code>: {diff.new_tables.length} new table(s),{" "}
                  {diff.new_columns.length} new column(s), {diff.variant_columns.length} variant column(s).
                </span>
              )
            ) : (
              <span>
                No DuckDB file yet: a first sync creates all {outcome.preview.tables.length} table(s) in{" "}
                <code>{outcome.dbPath}</code>.
              </span>
            )}
            {diff.variant_columns.length > 0 && (
              <p>
                Variant columns hold values that do not fit the column's type:{" "}
                {diff.variant_columns.map((c) => `${c.table}.${c.column}`).join(", ")}.
              </p>
            )}
          </div>
          {outcome.failed.map((f) => (
            <div key={f.resource} class="notice error" role="alert">
              <strong>
                {f.resource}: {f.error}
              </strong>
              {f.nextStep && <p>{f.nextStep}</p>}
            </div>
          ))}
          {outcome.preview.tables.map((t) => (
            <TableCard key={t.name} table={t} />
          ))}
        </>
      )}
    </section>
  );
}

function TableCard({ table }: { table: TablePreview }) {
  return (
    <article class="card" data-testid={`schema-table-${table.name}`}>
      <header class="card-head">
        <h3>
          <code>{table.name}</code>
        </h3>
        {table.parent ? (
          <span class="muted small">child of {table.parent}</span>
        ) : (
          <span class="muted small">from {table.resource}</span>
        )}
        <span class="muted small">{table.rows} sample row(s)</span>
        <span class={table.exists ? "badge" : "badge new"}>{table.exists ? "exists" : "new table"}</span>
      </header>
      <div class="table-scroll">
        <table class="table compact">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Nullable</th>
              <th scope="col">Samples</th>
              <th scope="col">Nulls</th>
              <th scope="col">Distinct</th>
              <th scope="col">Min</th>
              <th scope="col">Max</th>
            </tr>
          </thead>
          <tbody>
            {table.columns.map((c) => (
              <ColumnRow key={c.name} column={c} />
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

function ColumnRow({ column: c }: { column: ColumnPreview }) {
  return (
    <tr>
      <td>
        <code>{c.name}</code> {c.primary_key && <span class="badge">key</span>}{" "}
        {c.is_new && <span class="badge new">new</span>} {c.variant && <span class="badge warn">variant</span>}
      </td>
      <td>
        {c.data_type} <span class="muted small">{c.duckdb_type}</span>
      </td>
      <td>{c.nullable ? "yes" : "no"}</td>
      <td class="samples">{c.samples.map(show).join(", ")}</td>
      <td>{Math.round(c.null_share * 100)}%</td>
      <td>{c.distinct}</td>
      <td>{c.min === null || c.min === undefined ? "" : show(c.min)}</td>
      <td>{c.max === null || c.max === undefined ? "" : show(c.max)}</td>
    </tr>
  );
}
