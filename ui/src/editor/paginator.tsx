// The paginator form: a type picker, then that type's fields with dlt's defaults as placeholders.
import { useEditor } from "./context";
import { BoolField, NumberField, SelectField, TextField } from "./fields";
import { getIn, isObject, type Json, type Path } from "./json-path";

export const PAGINATOR_TYPES = [
  { value: "auto", label: "Detect automatically" },
  { value: "single_page", label: "One page only" },
  { value: "offset", label: "Offset and limit" },
  { value: "page_number", label: "Page number" },
  { value: "cursor", label: "Cursor in the response body" },
  { value: "json_link", label: "Next-page URL in the response body" },
  { value: "header_link", label: "Link header" },
  { value: "header_cursor", label: "Cursor in a response header" },
] as const;

export function paginatorType(p: unknown): string | undefined {
  if (typeof p === "string") return p;
  if (isObject(p) && typeof p.type === "string") return p.type;
  return undefined;
}

export function PaginatorForm({ path, unset }: { path: Path; unset: string }) {
  const { config, set } = useEditor();
  const paginator = getIn(config, path);
  const type = paginatorType(paginator);
  const f = (key: string): Path => [...path, key];
  const pick = (next: string | undefined) => {
    if (next === undefined) set(path, undefined);
    else if (next !== type) set(path, { type: next } as Json);
  };
  // A bare type name ("json_link") is that type with its defaults; editing a field makes it a dict.
  const stop = (
    <>
      <BoolField path={f("stop_after_empty_page")} label="Stop after an empty page" defaultText="yes" />
      <TextField path={f("has_more_path")} label="“More pages” flag (JSONPath)" placeholder="has_more" />
    </>
  );
  return (
    <div data-testid={`paginator-${path.join("-")}`}>
      <SelectField
        path={f("type")}
        label="Pagination"
        unset={unset}
        options={PAGINATOR_TYPES}
        value={type ?? ""}
        onChange={pick}
      />
      {typeof paginator === "string" && (
        <p class="hint">
          Uses this type's defaults.{" "}
          <button type="button" class="link" onClick={() => set(path, { type: paginator })}>
            Set its options
          </button>
        </p>
      )}
      {isObject(paginator) && type === "offset" && (
        <div class="form-grid">
          <NumberField path={f("limit")} label="Page size (limit)" hint="Required: records per request." />
          <NumberField path={f("offset")} label="First offset" placeholder="0" />
          <TextField path={f("offset_param")} label="Offset parameter" placeholder="offset" />
          <TextField path={f("limit_param")} label="Limit parameter" placeholder="limit" />
          <TextField path={f("total_path")} label="Total count (JSONPath)" placeholder="total" />
          <NumberField path={f("maximum_offset")} label="Stop at offset" />
          <TextField path={f("offset_body_path")} label="Offset in JSON body (dot path)" />
          <TextField path={f("limit_body_path")} label="Limit in JSON body (dot path)" />
          {stop}
        </div>
      )}
      {isObject(paginator) && type === "page_number" && (
        <div class="form-grid">
          <NumberField path={f("base_page")} label="Number of the first page" placeholder="0" />
          <NumberField path={f("page")} label="Start at page" placeholder="the first page" />
          <TextField path={f("page_param")} label="Page parameter" placeholder="page" />
          <TextField path={f("total_path")} label="Page count (JSONPath)" placeholder="total" />
          <NumberField path={f("maximum_page")} label="Stop at page" />
          <TextField path={f("page_body_path")} label="Page in JSON body (dot path)" />
          {stop}
        </div>
      )}
      {isObject(paginator) && type === "cursor" && (
        <div class="form-grid">
          <TextField path={f("cursor_path")} label="Cursor in the response (JSONPath)" placeholder="cursors.next" />
          <TextField path={f("cursor_param")} label="Cursor parameter" placeholder="cursor" />
          <TextField path={f("cursor_body_path")} label="Cursor in JSON body (dot path)" />
          {stop}
        </div>
      )}
      {isObject(paginator) && type === "json_link" && (
        <TextField path={f("next_url_path")} label="Next-page URL (JSONPath)" placeholder="next" />
      )}
      {isObject(paginator) && type === "header_link" && (
        <TextField path={f("links_next_key")} label="Link relation to follow" placeholder="next" />
      )}
      {isObject(paginator) && type === "header_cursor" && (
        <div class="form-grid">
          <TextField path={f("cursor_key")} label="Response header with the cursor" placeholder="next" />
          <TextField path={f("cursor_param")} label="Cursor parameter" placeholder="cursor" />
        </div>
      )}
    </div>
  );
}
