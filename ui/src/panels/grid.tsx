import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, type CommandError, type WindowQuery } from "../api";
import type { Filter } from "../bindings/load/Filter";
import type { GridColumn } from "../bindings/load/GridColumn";
import type { NestedCounts } from "../bindings/load/NestedCounts";
import type { Sort } from "../bindings/load/Sort";
import type { TableSummary } from "../bindings/load/TableSummary";
import { readable } from "../readable";

export const ROW_HEIGHT = 28;
/** The header (name above type) and the filter row above the first row. */
const HEAD_HEIGHT = 40;
/** Rows per request: a screenful or two, so a scroll step costs one small query. */
export const WINDOW_ROWS = 100;
/**
 * Browsers cap an element's height (WebKit near 2^25 px); past this the scrollbar maps onto the
 * rows proportionally instead of one pixel per pixel.
 */
const MAX_SCROLL_PX = 8_000_000;
const CACHED_WINDOWS = 40;

type Cells = (string | null)[];
/** A window's rows with, per child table, how many child rows each row has. */
type Fetched = { rows: Cells[]; nested: NestedCounts[] };

/** The row-number column's width. */
const NUMBER_WIDTH = 56;
/** A column is never drawn narrower than this, by sizing or by dragging. */
export const MIN_COLUMN_WIDTH = 64;
/** Sizing to content stops here; dragging can go wider. */
const MAX_FITTED_WIDTH = 320;
/** Roughly one character of the grid's text, for sizing before anything is drawn. */
const CHAR_PX = 7.2;
/** The same for a header's name, which is bold. */
const HEAD_CHAR_PX = 8.6;
/** Cell padding plus room for the resize handle. */
const CELL_PADDING = 20;

/**
 * A column's width fitted to what it shows: its longest value among the first rows, and its name
 * (up to about 20 characters: a longer name is cut and shown whole on hover).
 */
export function fittedWidth(name: string, values: readonly (string | null)[]): number {
  let longest = 0;
  for (const v of values) longest = Math.max(longest, (v ?? "NULL").length);
  const wanted = Math.max(Math.min(name.length, 20) * HEAD_CHAR_PX, longest * CHAR_PX) + CELL_PADDING;
  return Math.round(Math.min(MAX_FITTED_WIDTH, Math.max(MIN_COLUMN_WIDTH, wanted)));
}

/** A child table's name as its parent's grid and table list show it: `tags` for `tickets__tags`. */
export function nestedName(child: string, parent: string): string {
  return child.startsWith(`${parent}__`) ? child.slice(parent.length + 2) : child;
}

/**
 * What a filter box's text means for a column: `>10`, `<5`, `=7`, `!=3`, `empty`, `not empty`,
 * else "contains". Returns null for an empty box.
 */
export function parseFilter(column: string, text: string): Filter | null {
  const t = text.trim();
  if (t === "") return null;
  if (/^empty$/i.test(t)) return { column, op: "is_empty", value: "" };
  if (/^not empty$/i.test(t)) return { column, op: "is_not_empty", value: "" };
  const m = /^(>|<|!=|=)\s*(.+)$/.exec(t);
  if (m) {
    const op = m[1] === ">" ? "greater_than" : m[1] === "<" ? "less_than" : m[1] === "=" ? "equals" : "not_equals";
    return { column, op, value: m[2]!.trim() };
  }
  return { column, op: "contains", value: t };
}

/** Which rows to draw for a scroll position: the first row index and the layer's top. */
export function visibleRange(scrollTop: number, viewport: number, total: number) {
  const count = Math.ceil(viewport / ROW_HEIGHT) + 1;
  const full = total * ROW_HEIGHT;
  const height = Math.min(full, MAX_SCROLL_PX);
  if (full <= MAX_SCROLL_PX) {
    const first = Math.floor(scrollTop / ROW_HEIGHT);
    return { first, count, top: first * ROW_HEIGHT, height };
  }
  const fraction = height > viewport ? Math.min(1, scrollTop / (height - viewport)) : 0;
  const first = Math.floor(fraction * Math.max(0, total - count + 1));
  return { first, count, top: scrollTop, height };
}

/** The scroll position at which visibleRange shows `row` first (the inverse of its mapping). */
export function scrollTopFor(row: number, viewport: number, total: number): number {
  const count = Math.ceil(viewport / ROW_HEIGHT) + 1;
  const full = total * ROW_HEIGHT;
  const height = Math.min(full, MAX_SCROLL_PX);
  if (full <= MAX_SCROLL_PX) return row * ROW_HEIGHT;
  const rows = Math.max(1, total - count + 1);
  return Math.floor((Math.min(row, rows) / rows) * Math.max(0, height - viewport));
}

type Props = {
  id: number;
  table: TableSummary;
  filters: Filter[];
  sort: Sort | null;
  onSort: (sort: Sort | null) => void;
  onFilterText: (column: string, text: string) => void;
  filterText: Record<string, string>;
  onOpenChild: (child: string, parentRowId: string) => void;
  onError: (message: string | null) => void;
};

type Picked = { row: number; column: number };

/**
 * A virtualised grid: only the rows on screen exist in the page, fetched in windows from DuckDB.
 * Columns fit their content and can be dragged wider; the row number and the first column stay
 * in place when scrolling sideways; a cell's whole value opens below the grid.
 */
export function Grid({ id, table, filters, sort, onSort, onFilterText, filterText, onOpenChild, onError }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const [total, setTotal] = useState<number | null>(null);
  const [columns, setColumns] = useState<GridColumn[]>(table.columns);
  const [windows, setWindows] = useState<Map<number, Fetched>>(new Map());
  const [lastFetchMs, setLastFetchMs] = useState<number | null>(null);
  const [widths, setWidths] = useState<Record<string, number>>({});
  const [picked, setPicked] = useState<Picked | null>(null);
  const [viewing, setViewing] = useState(false);
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);

  // Another table starts with its own widths.
  useEffect(() => setWidths({}), [table.name]);

  // A new table, sort or filter starts from the top with nothing cached and nothing picked (a
  // picked row number would now be another record).
  const queryKey = JSON.stringify([table.name, sort, filters]);
  useEffect(() => {
    setPicked(null);
    setViewing(false);
    generation.current += 1;
    inFlight.current.clear();
    setWindows(new Map());
    setTotal(null);
    setColumns(table.columns);
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [queryKey]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight - HEAD_HEIGHT - ROW_HEIGHT));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const known = total ?? WINDOW_ROWS;
  const range = visibleRange(scrollTop, viewport, known);
  const firstWindow = Math.floor(range.first / WINDOW_ROWS);
  const lastWindow = Math.floor((range.first + range.count) / WINDOW_ROWS);

  useEffect(() => {
    const gen = generation.current;
    for (let w = firstWindow; w <= lastWindow; w++) {
      if (windows.has(w) || inFlight.current.has(w)) continue;
      if (total !== null && w * WINDOW_ROWS >= total && total > 0) continue;
      inFlight.current.add(w);
      const query: WindowQuery = { table: table.name, offset: w * WINDOW_ROWS, limit: WINDOW_ROWS, filters };
      if (sort) query.sort = sort;
      const started = performance.now();
      api.dataWindow(id, query).then(
        (win) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(w);
          setLastFetchMs(performance.now() - started);
          setTotal(win.total);
          setColumns(win.columns);
          // The first rows seen size the columns; later windows keep them steady.
          setWidths((old) => {
            const missing = win.columns.filter((c) => old[c.name] === undefined);
            if (missing.length === 0 || win.rows.length === 0) return old;
            const next = { ...old };
            for (const c of missing) {
              const at = win.columns.indexOf(c);
              next[c.name] = fittedWidth(c.name, win.rows.map((r) => r[at] ?? null));
            }
            return next;
          });
          onError(null);
          setWindows((old) => {
            const next = new Map(old);
            next.set(w, { rows: win.rows, nested: win.nested });
            // Keep the windows nearest the view; far ones are fetched again if scrolled back to.
            if (next.size > CACHED_WINDOWS) {
              const far = [...next.keys()].sort((a, b) => Math.abs(b - w) - Math.abs(a - w));
              for (const k of far.slice(0, next.size - CACHED_WINDOWS)) next.delete(k);
            }
            return next;
          });
        },
        (e: CommandError) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(w);
          onError(e.message);
        },
      );
    }
  }, [firstWindow, lastWindow, queryKey, windows, total]);

  const rowAt = (i: number): Cells | undefined => windows.get(Math.floor(i / WINDOW_ROWS))?.rows[i % WINDOW_ROWS];
  const nestedAt = (i: number, child: string): number | undefined =>
    windows
      .get(Math.floor(i / WINDOW_ROWS))
      ?.nested.find((n) => n.table === child)
      ?.counts[i % WINDOW_ROWS];
  const idColumn = columns.findIndex((c) => c.name === "_dlt_id");
  const children = table.children;
  const widthOf = (c: GridColumn) => widths[c.name] ?? 140;
  const childWidth = (child: string) => fittedWidth(`↳ ${nestedName(child, table.name)}`, []);
  const template = [
    `${NUMBER_WIDTH}px`,
    ...columns.map((c) => `${widthOf(c)}px`),
    ...children.map((c) => `${childWidth(c)}px`),
  ].join(" ");
  const width =
    NUMBER_WIDTH + columns.reduce((sum, c) => sum + widthOf(c), 0) + children.reduce((s, c) => s + childWidth(c), 0);
  const shown = total === null ? 0 : Math.max(0, Math.min(range.count, total - range.first));
  // The first column (dlt writes a record's keys in order, so usually its id) stays in view.
  const pinnedStyle = (j: number) => (j === 0 ? { left: `${NUMBER_WIDTH}px` } : undefined);
  const cellClass = (j: number, extra = "") => `grid-cell${j === 0 ? " pinned" : ""}${extra}`;

  const resize = (name: string, to: number) =>
    setWidths((old) => ({ ...old, [name]: Math.max(MIN_COLUMN_WIDTH, Math.round(to)) }));

  const pick = (next: Picked) => {
    const row = Math.max(0, Math.min((total ?? 1) - 1, next.row));
    const column = Math.max(0, Math.min(columns.length - 1, next.column));
    setPicked({ row, column });
    const el = scroller.current;
    if (!el) return;
    // Bring the picked row into view: one pixel per pixel below the proportional limit, else
    // the scroll position visibleRange maps to that row.
    const rowTop = row * ROW_HEIGHT;
    if (range.height === known * ROW_HEIGHT) {
      if (rowTop < el.scrollTop) el.scrollTop = rowTop;
      else if (rowTop + ROW_HEIGHT > el.scrollTop + viewport) el.scrollTop = rowTop + ROW_HEIGHT - viewport;
    } else if (row < range.first || row >= range.first + range.count - 1) {
      el.scrollTop = scrollTopFor(row, viewport, known);
    }
    const left = NUMBER_WIDTH + columns.slice(0, column).reduce((sum, c) => sum + widthOf(c), 0);
    const pinned = NUMBER_WIDTH + (columns[0] ? widthOf(columns[0]) : 0);
    if (column > 0 && left < el.scrollLeft + pinned) el.scrollLeft = left - pinned;
    else if (left + widthOf(columns[column]!) > el.scrollLeft + el.clientWidth)
      el.scrollLeft = left + widthOf(columns[column]!) - el.clientWidth;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target !== scroller.current || total === null || total === 0 || columns.length === 0) return;
    const at = picked ?? { row: range.first, column: 0 };
    const moves: Record<string, Picked> = {
      ArrowDown: { row: at.row + 1, column: at.column },
      ArrowUp: { row: at.row - 1, column: at.column },
      ArrowRight: { row: at.row, column: at.column + 1 },
      ArrowLeft: { row: at.row, column: at.column - 1 },
      PageDown: { row: at.row + Math.max(1, range.count - 2), column: at.column },
      PageUp: { row: at.row - Math.max(1, range.count - 2), column: at.column },
      Home: { row: e.ctrlKey ? 0 : at.row, column: 0 },
      End: { row: e.ctrlKey ? total - 1 : at.row, column: columns.length - 1 },
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      pick(picked ? move : at);
    } else if (e.key === "Enter" && picked) {
      e.preventDefault();
      setViewing(true);
    } else if (e.key === "Escape" && viewing) {
      e.preventDefault();
      setViewing(false);
    }
  };

  const pickedRow = picked ? rowAt(picked.row) : undefined;
  const pickedColumn = picked ? columns[picked.column] : undefined;

  return (
    <div class="grid-wrap">
      <div
        class="grid"
        ref={scroller}
        tabIndex={0}
        role="grid"
        aria-label={`Rows of ${table.name}`}
        aria-rowcount={total ?? -1}
        aria-colcount={columns.length + 1 + children.length}
        aria-describedby="grid-keys"
        data-testid="grid"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKeyDown}
      >
        <div class="grid-head" style={{ gridTemplateColumns: template, width: `${width}px` }} role="row">
          <div class="grid-cell head num-head pinned" role="columnheader">
            #
          </div>
          {columns.map((c, j) => {
            const state = sort?.column === c.name ? (sort.descending ? "descending" : "ascending") : "none";
            return (
              <div
                key={c.name}
                class={cellClass(j, " head")}
                style={pinnedStyle(j)}
                role="columnheader"
                aria-sort={state}
              >
                <button
                  type="button"
                  class="sort"
                  data-testid={`sort-${c.name}`}
                  title={`${c.name} (${c.dataType}): sort by this column`}
                  onClick={() =>
                    onSort(
                      state === "none"
                        ? { column: c.name, descending: false }
                        : state === "ascending"
                          ? { column: c.name, descending: true }
                          : null,
                    )
                  }
                >
                  <span class="col-name">{c.name}</span>
                  <span class="col-type">
                    {c.dataType.toLowerCase()}
                    <span aria-hidden="true">{state === "ascending" ? " ▲" : state === "descending" ? " ▼" : ""}</span>
                  </span>
                </button>
                <ResizeHandle
                  name={c.name}
                  width={widthOf(c)}
                  onResize={(to) => resize(c.name, to)}
                  onFit={() => {
                    const values: (string | null)[] = [];
                    for (const w of windows.values()) for (const r of w.rows) values.push(r[j] ?? null);
                    resize(c.name, fittedWidth(c.name, values));
                  }}
                />
              </div>
            );
          })}
          {children.map((child) => (
            <div key={child} class="grid-cell head nested-head" role="columnheader" title={`Rows of ${child} that belong to each row`}>
              ↳ {nestedName(child, table.name)}
            </div>
          ))}
        </div>
        <div class="grid-filters" style={{ gridTemplateColumns: template, width: `${width}px` }} role="row">
          <div class="grid-cell pinned" />
          {columns.map((c, j) => (
            <div key={c.name} class={cellClass(j)} style={pinnedStyle(j)}>
              <input
                type="search"
                placeholder="filter"
                aria-label={`Filter ${c.name} (text, >10, <5, =7, != 3, empty, not empty)`}
                data-testid={`filter-${c.name}`}
                value={filterText[c.name] ?? ""}
                onInput={(e) => onFilterText(c.name, e.currentTarget.value)}
              />
            </div>
          ))}
          {children.map((child) => (
            <div key={child} class="grid-cell" />
          ))}
        </div>
        <div class="grid-body" style={{ height: `${range.height}px`, width: `${width}px` }}>
          <div class="grid-layer" style={{ top: `${range.top}px` }}>
            {Array.from({ length: shown }, (_, k) => {
              const i = range.first + k;
              const row = rowAt(i);
              return (
                <div
                  key={i}
                  class="grid-row"
                  role="row"
                  aria-rowindex={i + 1}
                  data-testid="grid-row"
                  style={{ gridTemplateColumns: template, height: `${ROW_HEIGHT}px` }}
                >
                  <div class="grid-cell num pinned">{(i + 1).toLocaleString()}</div>
                  {columns.map((c, j) => {
                    const value = row ? (row[j] ?? null) : undefined;
                    const isPicked = picked?.row === i && picked.column === j;
                    const cut = value !== undefined && value !== null && value.length * CHAR_PX > widthOf(c) - 12;
                    return (
                      <div
                        key={c.name}
                        class={cellClass(j, `${value === null ? " null" : ""}${isPicked ? " picked" : ""}`)}
                        style={pinnedStyle(j)}
                        role="gridcell"
                        aria-selected={isPicked}
                        title={cut ? value.slice(0, 2000) : undefined}
                        onClick={() => setPicked({ row: i, column: j })}
                        onDblClick={() => {
                          setPicked({ row: i, column: j });
                          setViewing(true);
                        }}
                      >
                        {value === undefined ? "…" : (value ?? "NULL")}
                      </div>
                    );
                  })}
                  {children.map((child) => {
                    const count = nestedAt(i, child);
                    const short = nestedName(child, table.name);
                    return (
                      <div key={child} class="grid-cell nested" role="gridcell">
                        {row && idColumn >= 0 && count !== undefined && count > 0 ? (
                          <button
                            type="button"
                            class="link small"
                            data-testid={`open-child-${child}`}
                            title={`Open the ${count.toLocaleString()} row(s) of ${child} that belong to this row`}
                            onClick={() => onOpenChild(child, row[idColumn] ?? "")}
                          >
                            {short} {count.toLocaleString()}
                          </button>
                        ) : (
                          <span class="muted" title={`No rows of ${child} belong to this row`}>
                            {row && count !== undefined ? "–" : ""}
                          </span>
                        )}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {viewing && picked && pickedColumn && (
        <CellViewer
          column={pickedColumn}
          row={picked.row}
          value={pickedRow ? (pickedRow[picked.column] ?? null) : undefined}
          onClose={() => {
            setViewing(false);
            scroller.current?.focus();
          }}
        />
      )}
      <div class="grid-status muted small" data-testid="grid-status">
        {total === null
          ? "Loading rows…"
          : total === 0
            ? filters.length > 0
              ? "No rows match these filters."
              : "This table is empty."
            : `Rows ${(range.first + 1).toLocaleString()}–${(range.first + shown).toLocaleString()} of ${total.toLocaleString()}${filters.length > 0 ? " matching" : ""}`}
        {lastFetchMs !== null && ` · last window ${lastFetchMs.toFixed(0)} ms`}
        <span id="grid-keys" class="grid-keys">
          {" "}
          · Arrow keys pick a cell, Enter shows it whole, double-click too
        </span>
      </div>
    </div>
  );
}

/** The drag handle on a header's right edge; arrow keys resize too, a double-click fits. */
function ResizeHandle({
  name,
  width,
  onResize,
  onFit,
}: {
  name: string;
  width: number;
  onResize: (to: number) => void;
  onFit: () => void;
}) {
  const start = useRef<{ x: number; width: number } | null>(null);
  return (
    <span
      class="col-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${name}`}
      aria-valuenow={width}
      aria-valuemin={MIN_COLUMN_WIDTH}
      tabIndex={0}
      data-testid={`resize-${name}`}
      title="Drag to resize, double-click to fit"
      onPointerDown={(e) => {
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        start.current = { x: e.clientX, width };
      }}
      onPointerMove={(e) => {
        if (start.current) onResize(start.current.width + e.clientX - start.current.x);
      }}
      onPointerUp={() => (start.current = null)}
      onPointerCancel={() => (start.current = null)}
      onDblClick={onFit}
      onKeyDown={(e) => {
        if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
          e.preventDefault();
          e.stopPropagation();
          onResize(width + (e.key === "ArrowRight" ? 16 : -16));
        }
      }}
    />
  );
}

/** A cell's whole value under the grid: JSON indented, with Copy; Escape or Close hides it. */
function CellViewer({
  column,
  row,
  value,
  onClose,
}: {
  column: GridColumn;
  row: number;
  value: string | null | undefined;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [column.name, row]);
  return (
    <section
      class="cell-viewer"
      aria-label={`${column.name} of row ${(row + 1).toLocaleString()}`}
      data-testid="cell-viewer"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <div class="cell-viewer-head">
        <strong>
          <code>{column.name}</code>
        </strong>
        <span class="muted small">
          {column.dataType.toLowerCase()} · row {(row + 1).toLocaleString()}
        </span>
        <span class="spacer" />
        {typeof value === "string" && (
          <button
            type="button"
            class="button small"
            onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => undefined)}
          >
            {copied ? "Copied" : "Copy"}
          </button>
        )}
        <button type="button" class="button small ghost" onClick={onClose} aria-label="Close the value">
          ✕
        </button>
      </div>
      <pre class={value === null ? "cell-value null" : "cell-value"} data-testid="cell-value" tabIndex={0}>
        {value === undefined ? "Loading…" : value === null ? "NULL" : readable(value)}
      </pre>
    </section>
  );
}
