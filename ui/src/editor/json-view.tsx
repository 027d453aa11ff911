// The raw JSON of the same connector, editable: what parses replaces the document the forms show,
// and every form change rewrites this text, so the two views never disagree.
import { useEffect, useState } from "preact/hooks";
import { useEditor } from "./context";
import { sameJson, type Json } from "./json-path";

export function JsonView() {
  const { config, set, problemsAt } = useEditor();
  const pretty = JSON.stringify(config, null, 2);
  const [text, setText] = useState(pretty);
  const [syntax, setSyntax] = useState<string | null>(null);

  useEffect(() => {
    try {
      if (sameJson(JSON.parse(text), config)) return;
    } catch {
      // mid-edit text is replaced only by a real outside change, handled below
    }
    setText(pretty);
    setSyntax(null);
  }, [pretty]);

  const all = problemsAt([], true);
  return (
    <section class="editor-section json-view">
      <h2>JSON</h2>
      <p class="hint">The connector as a dlt config with Sluice's settings under <code>sluice</code>. Edits here show in the forms.</p>
      <div class={syntax ? "field invalid" : "field"}>
        <label for="connector-json">Connector JSON</label>
        <textarea
          id="connector-json"
          data-testid="connector-json"
          rows={24}
          spellcheck={false}
          value={text}
          aria-invalid={syntax ? true : undefined}
          aria-describedby={syntax ? "connector-json-error" : undefined}
          onInput={(e) => {
            const v = e.currentTarget.value;
            setText(v);
            try {
              const parsed = JSON.parse(v) as Json;
              setSyntax(null);
              set([], parsed);
            } catch (err) {
              setSyntax(`Not valid JSON yet: ${(err as Error).message}`);
            }
          }}
        />
        {syntax && (
          <small id="connector-json-error" class="field-error" role="alert">
            {syntax}
          </small>
        )}
      </div>
      {all.length > 0 && (
        <ul class="problem-list" data-testid="json-problems">
          {all.map((p) => (
            <li key={`${p.path}:${p.message}`}>
              <code>{p.path || "(document)"}</code>: {p.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
