import type { ApiOperation } from "./bindings/config/ApiOperation";
import type { ApiOperations } from "./bindings/config/ApiOperations";

/** The most operations listed at once: a spec of thousands is narrowed with the filter. */
export const SHOWN_AT_MOST = 200;

/** The most operations chosen for the user before they choose. */
export const CHOSEN_UNASKED = 10;

export type OperationGroup = { tag: string; operations: ApiOperation[] };

/**
 * The operations matching `query` (every word in the path, summary, tag or resource name),
 * grouped by tag in the document's order, at most `SHOWN_AT_MOST` of them.
 */
export function groupOperations(operations: ApiOperation[], query: string): { groups: OperationGroup[]; hidden: number } {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matching = operations.filter((op) => {
    const haystack = `${op.path} ${op.summary} ${op.tag} ${op.resource}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
  const groups: OperationGroup[] = [];
  for (const op of matching.slice(0, SHOWN_AT_MOST)) {
    let group = groups.find((g) => g.tag === op.tag);
    if (!group) {
      group = { tag: op.tag, operations: [] };
      groups.push(group);
    }
    group.operations.push(op);
  }
  return { groups, hidden: Math.max(0, matching.length - SHOWN_AT_MOST) };
}

/** What is chosen before the user chooses: everything of a small document, nothing of a big one. */
export function firstChoice(listing: ApiOperations): Set<string> {
  return new Set(listing.operations.length <= CHOSEN_UNASKED ? listing.operations.map((op) => op.id) : []);
}

type Props = {
  listing: ApiOperations;
  chosen: Set<string>;
  query: string;
  onQuery: (query: string) => void;
  onChosen: (chosen: Set<string>) => void;
};

/** A searchable list of an OpenAPI document's list operations, grouped by tag, with checkboxes. */
export function OperationPicker({ listing, chosen, query, onQuery, onChosen }: Props) {
  const { groups, hidden } = groupOperations(listing.operations, query);
  const toggle = (ids: string[], on: boolean) => {
    const next = new Set(chosen);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    onChosen(next);
  };
  const count = listing.operations.length;
  return (
    <div class="operation-picker" data-testid="operation-picker">
      <p class="hint">
        <strong>{listing.title}</strong>: {count} {count === 1 ? "operation answers" : "operations answer"} a list
        {listing.not_lists > 0 && ` (${listing.not_lists} more answer no list and are not shown)`}. Each one chosen
        becomes a resource; what Sluice guesses about it (paging, primary key) is listed after the import.
      </p>
      <input
        type="search"
        class="wide"
        aria-label="Filter operations"
        placeholder="Filter by path, summary or tag"
        value={query}
        onInput={(e) => onQuery(e.currentTarget.value)}
        data-testid="operation-filter"
        autoFocus
      />
      <div class="operation-groups">
        {groups.length === 0 && <p class="hint">No operation matches “{query}”.</p>}
        {groups.map((group) => {
          const ids = group.operations.map((op) => op.id);
          const all = ids.every((id) => chosen.has(id));
          return (
            <fieldset key={group.tag} class="operation-group">
              <legend>
                <label>
                  <input
                    type="checkbox"
                    checked={all}
                    ref={(el) => {
                      if (el) el.indeterminate = !all && ids.some((id) => chosen.has(id));
                    }}
                    onChange={(e) => toggle(ids, e.currentTarget.checked)}
                  />{" "}
                  {group.tag || "No tag"} <span class="muted">({group.operations.length})</span>
                </label>
              </legend>
              {group.operations.map((op) => (
                <label key={op.id} class="operation" data-testid="operation" data-path={op.path}>
                  <input
                    type="checkbox"
                    checked={chosen.has(op.id)}
                    onChange={(e) => toggle([op.id], e.currentTarget.checked)}
                  />
                  <code>{op.path}</code>
                  <span class="operation-summary">{op.summary}</span>
                  <span class="muted">→ {op.resource}</span>
                </label>
              ))}
            </fieldset>
          );
        })}
        {hidden > 0 && <p class="hint">{hidden} more match: narrow the filter to see them.</p>}
      </div>
    </div>
  );
}
