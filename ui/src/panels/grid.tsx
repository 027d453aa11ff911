import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, type CommandError, type WindowQuery } from "../api";
import type { Filter } from "../bindings/load/Filter";
import type { GridColumn } from "../bindings/load/GridColumn";
import type { Sort } from "../bindings/load/Sort";
import type { TableSummary } from "../bindings/load/TableSummary";

export const ROW_HEIGHT = 28;
/** Rows per request: a screenful or two, so a scroll step costs one small query. */
export const WINDOW_ROWS = 100;
/**
 * Browsers cap an element's height (WebKit near 2^25 px); past this the scrollbar maps onto the
 * rows proportionally instead of one pixel per pixel.
 */
const MAX_SCROLL_PX = 8_000_000;
const CACHED_WINDOWS = 40;

type Cells = (string | null)[];

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

/** A virtualised grid: only the rows on screen exist in the page, fetched in windows from DuckDB. */
export function Grid({ id, table, filters, sort, onSort, onFilterText, filterText, onOpenChild, onError }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const [total, setTotal] = useState<number | null>(null);
  const [columns, setColumns] = useState<GridColumn[]>(table.columns);
  const [windows, setWindows] = useState<Map<number, Cells[]>>(new Map());
  const [lastFetchMs, setLastFetchMs] = useState<number | null>(null);
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);

  // A new table, sort or filter starts from the top with nothing cached.
  const queryKey = JSON.stringify([table.name, sort, filters]);
  useEffect(() => {
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
    const observer = new ResizeObserver(() => setViewport(el.clientHeight - ROW_HEIGHT * 2));
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
          onError(null);
          setWindows((old) => {
            const next = new Map(old);
            next.set(w, win.rows);
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

  const rowAt = (i: number): Cells | undefined => windows.get(Math.floor(i / WINDOW_ROWS))?.[i % WINDOW_ROWS];
  const idColumn = columns.findIndex((c) => c.name === "_dlt_id");
  const children = table.children;
  const template = `64px ${children.length > 0 ? `${children.length * 110}px ` : ""}repeat(${columns.length}, minmax(140px, 1fr))`;
  const width = 64 + children.length * 110 + columns.length * 160;
  const shown = total === null ? 0 : Math.max(0, Math.min(range.count, total - range.first));

  return (
    <div class="grid-wrap">
      <div
        class="grid"
        ref={scroller}
        tabIndex={0}
        role="grid"
        aria-label={`Rows of ${table.name}`}
        aria-rowcount={total ?? -1}
        data-testid="grid"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div class="grid-head" style={{ gridTemplateColumns: template, minWidth: `${width}px` }} role="row">
          <div class="grid-cell head" role="columnheader">
            #
          </div>
          {children.length > 0 && (
            <div class="grid-cell head" role="columnheader">
              Nested
            </div>
          )}
          {columns.map((c) => {
            const state = sort?.column === c.name ? (sort.descending ? "descending" : "ascending") : "none";
            return (
              <div key={c.name} class="grid-cell head" role="columnheader" aria-sort={state}>
                <button
                  type="button"
                  class="sort"
                  data-testid={`sort-${c.name}`}
                  title="Sort by this column"
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
                  <span class="col-type">{c.dataType}</span>
                  <span aria-hidden="true">{state === "ascending" ? "▲" : state === "descending" ? "▼" : ""}</span>
                </button>
              </div>
            );
          })}
        </div>
        <div class="grid-filters" style={{ gridTemplateColumns: template, minWidth: `${width}px` }} role="row">
          <div class="grid-cell" />
          {children.length > 0 && <div class="grid-cell" />}
          {columns.map((c) => (
            <div key={c.name} class="grid-cell">
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
        </div>
        <div class="grid-body" style={{ height: `${range.height}px`, minWidth: `${width}px` }}>
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
                  <div class="grid-cell num">{i + 1}</div>
                  {children.length > 0 && (
                    <div class="grid-cell">
                      {row &&
                        idColumn >= 0 &&
                        children.map((child) => (
                          <button
                            key={child}
                            type="button"
                            class="link small"
                            data-testid={`open-child-${child}`}
                            title={`Rows of ${child} that belong to this row`}
                            onClick={() => onOpenChild(child, row[idColumn] ?? "")}
                          >
                            ↳ {child.slice(table.name.length + 2)}
                          </button>
                        ))}
                    </div>
                  )}
                  {columns.map((c, j) => (
                    <div key={c.name} class={row && row[j] === null ? "grid-cell null" : "grid-cell"} role="gridcell">
                      {row ? (row[j] ?? "NULL") : "…"}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <div class="grid-status muted small" data-testid="grid-status">
        {total === null
          ? "Loading rows…"
          : total === 0
            ? filters.length > 0
              ? "No rows match these filters."
              : "This table is empty."
            : `Rows ${range.first + 1}–${range.first + shown} of ${total.toLocaleString()}${filters.length > 0 ? " matching" : ""}`}
        {lastFetchMs !== null && ` · last window ${lastFetchMs.toFixed(0)} ms`}
      </div>
    </div>
  );
}
