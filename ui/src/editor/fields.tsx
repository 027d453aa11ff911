// Form fields bound to a path of the connector config. Each shows its validation messages right
// under it, an unset optional value as its placeholder (the default), and removes its key when
// emptied so the saved config only holds what the user chose.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Field } from "../field";
import { fieldId, useEditor } from "./context";
import { getIn, isObject, type Json, type Path } from "./json-path";

export function useProblemText(path: Path): string | undefined {
  const { problemsAt } = useEditor();
  const problems = problemsAt(path);
  return problems.length > 0 ? problems.map((p) => p.message).join("; ") : undefined;
}

function useWarningText(path: Path): string | undefined {
  const { warningsAt } = useEditor();
  const warnings = warningsAt(path);
  return warnings.length > 0 ? warnings.map((p) => p.message).join("; ") : undefined;
}

type TextProps = {
  path: Path;
  label: string;
  hint?: string;
  placeholder?: string;
  /** Keep an empty string instead of removing the key (for keys the config must have). */
  required?: boolean;
};

export function TextField({ path, label, hint, placeholder, required }: TextProps) {
  const { config, set } = useEditor();
  const value = getIn(config, path);
  const error = useProblemText(path);
  const warning = useWarningText(path);
  return (
    <Field
      id={fieldId(path)}
      label={label}
      value={typeof value === "string" ? value : value === undefined || value === null ? "" : JSON.stringify(value)}
      hint={hint}
      placeholder={placeholder}
      error={error}
      warning={warning}
      onInput={(v) => set(path, v === "" && !required ? undefined : v)}
    />
  );
}

/**
 * A number typed as text: what parses as a number is saved as one, anything else is saved as typed
 * so the validation says what is wrong with it next to the field.
 */
export function NumberField({ path, label, hint, placeholder }: Omit<TextProps, "required">) {
  const { config, set } = useEditor();
  const value = getIn(config, path);
  const shown = value === undefined || value === null ? "" : String(value);
  const [text, setText] = useState(shown);
  useEffect(() => {
    if (Number(text) !== value && text !== shown) setText(shown);
    // Only an outside change (another view, a revert) replaces what the user is typing.
  }, [shown]);
  const error = useProblemText(path);
  return (
    <Field
      id={fieldId(path)}
      label={label}
      value={text}
      hint={hint}
      placeholder={placeholder}
      error={error}
      onInput={(v) => {
        setText(v);
        const trimmed = v.trim();
        if (trimmed === "") set(path, undefined);
        else if (/^-?\d+(\.\d+)?$/.test(trimmed)) set(path, Number(trimmed));
        else set(path, v);
      }}
    />
  );
}

export type Option = { value: string; label: string };

type SelectProps = {
  path: Path;
  label: string;
  options: readonly Option[];
  /** The label of the empty choice, e.g. "Default (append)"; absent means a choice is required. */
  unset?: string;
  hint?: string;
  onChange?: (value: string | undefined) => void;
  value?: string;
};

export function SelectField({ path, label, options, unset, hint, onChange, value }: SelectProps) {
  const { config, set } = useEditor();
  const current = value ?? getIn(config, path);
  const error = useProblemText(path);
  const id = fieldId(path);
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].join(" ").trim();
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={id}>{label}</label>
      <select
        id={id}
        value={typeof current === "string" ? current : ""}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(e) => {
          const v = e.currentTarget.value || undefined;
          if (onChange) onChange(v);
          else set(path, v);
        }}
      >
        {unset !== undefined && <option value="">{unset}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** A yes/no whose unset state means the default, so it is a three-way choice. */
export function BoolField({ path, label, hint, defaultText }: { path: Path; label: string; hint?: string; defaultText: string }) {
  const { config, set } = useEditor();
  const value = getIn(config, path);
  return (
    <SelectField
      path={path}
      label={label}
      hint={hint}
      unset={`Default (${defaultText})`}
      options={[
        { value: "true", label: "Yes" },
        { value: "false", label: "No" },
      ]}
      value={value === true ? "true" : value === false ? "false" : ""}
      onChange={(v) => set(path, v === undefined ? undefined : v === "true")}
    />
  );
}

/**
 * One name or several, comma-separated (primary keys, statuses). One name is saved as text, as
 * dlt writes it; several as a list.
 */
export function ListField({
  path,
  label,
  hint,
  placeholder,
  numbers,
  alwaysList,
}: TextProps & { numbers?: boolean; alwaysList?: boolean }) {
  const { config, set } = useEditor();
  const value = getIn(config, path);
  const shown = Array.isArray(value) ? value.join(", ") : value === undefined || value === null ? "" : String(value);
  const [text, setText] = useState(shown);
  useEffect(() => {
    if (normalizeList(text) !== normalizeList(shown)) setText(shown);
  }, [shown]);
  const error = useProblemText(path);
  return (
    <Field
      id={fieldId(path)}
      label={label}
      value={text}
      hint={hint}
      placeholder={placeholder}
      error={error}
      onInput={(v) => {
        setText(v);
        const items: Json[] = v
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "")
          .map((s) => (numbers && /^\d+$/.test(s) ? Number(s) : s));
        if (items.length === 0) set(path, undefined);
        else if (items.length === 1 && !alwaysList) set(path, items[0] ?? null);
        else set(path, items);
      }}
    />
  );
}

function normalizeList(text: string): string {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .join(",");
}

/**
 * A small JSON value typed as text (a request body, column hints): saved when it parses, with the
 * reason shown while it does not.
 */
export function JsonField({ path, label, hint, placeholder }: Omit<TextProps, "required">) {
  const { config, set } = useEditor();
  const value = getIn(config, path);
  const shown = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [text, setText] = useState(shown);
  const [syntax, setSyntax] = useState<string | null>(null);
  useEffect(() => {
    try {
      if (text.trim() === "" ? value === undefined : JSON.stringify(JSON.parse(text)) === JSON.stringify(value)) return;
    } catch {
      // the user is mid-edit; an outside change still wins below
    }
    setText(shown);
    setSyntax(null);
  }, [shown]);
  const problem = useProblemText(path);
  const error = syntax ?? problem;
  const id = fieldId(path);
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={Math.min(8, Math.max(2, text.split("\n").length))}
        spellcheck={false}
        value={text}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hint ? `${id}-hint` : "", error ? `${id}-error` : ""].join(" ").trim() || undefined}
        onInput={(e) => {
          const v = e.currentTarget.value;
          setText(v);
          if (v.trim() === "") {
            setSyntax(null);
            set(path, undefined);
            return;
          }
          try {
            set(path, JSON.parse(v) as Json);
            setSyntax(null);
          } catch {
            setSyntax("This is not valid JSON yet: check quotes, commas and brackets");
          }
        }}
      />
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/**
 * Name → value pairs (headers, query parameters). Values that are not plain text (a secret
 * reference, a parent binding) are shown as JSON and can be edited as JSON.
 */
export function KeyValueField({
  path,
  label,
  hint,
  keyLabel,
  skip,
}: {
  path: Path;
  label: string;
  hint?: string;
  keyLabel: string;
  /** Entries another form owns (e.g. parent links among the params). */
  skip?: (value: Json) => boolean;
}) {
  const { config, set } = useEditor();
  const raw = getIn(config, path);
  const entries = isObject(raw) ? Object.entries(raw) : [];
  const id = fieldId(path);
  const error = useProblemText(path);
  const write = (next: [string, Json][]) =>
    set(path, next.length === 0 ? undefined : Object.fromEntries(next));
  const shownValue = (v: Json) => (typeof v === "string" ? v : JSON.stringify(v));
  const parseValue = (text: string): Json => {
    const t = text.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        return JSON.parse(t) as Json;
      } catch {
        return text;
      }
    }
    return text;
  };
  return (
    <fieldset class="kv" id={id}>
      <legend>{label}</legend>
      {hint && <small class="hint">{hint}</small>}
      {entries.map(([key, value], index) =>
        skip?.(value) ? null : (
          <KeyValueRow
            key={index}
            idBase={`${id}-${index}`}
            keyLabel={keyLabel}
            name={key}
            value={shownValue(value)}
            problem={undefined}
            onName={(name) => write(entries.map((e, i) => (i === index ? [name, e[1]] : e)))}
            onValue={(text) => write(entries.map((e, i) => (i === index ? [e[0], parseValue(text)] : e)))}
            onRemove={() => write(entries.filter((_, i) => i !== index))}
            problemPath={[...path, key]}
          />
        ),
      )}
      {error && (
        <small class="field-error" role="alert">
          {error}
        </small>
      )}
      <button
        type="button"
        class="button small"
        data-testid={`${id}-add`}
        onClick={() => {
          let n = entries.length + 1;
          let name = `name${n}`;
          while (entries.some(([k]) => k === name)) name = `name${++n}`;
          write([...entries, [name, ""]]);
        }}
      >
        Add {keyLabel.toLowerCase()}
      </button>
    </fieldset>
  );
}

function KeyValueRow(props: {
  idBase: string;
  keyLabel: string;
  name: string;
  value: string;
  problem: string | undefined;
  problemPath: Path;
  onName: (name: string) => void;
  onValue: (value: string) => void;
  onRemove: () => void;
}) {
  const { problemsAt } = useEditor();
  const problems = problemsAt(props.problemPath, true);
  return (
    <div class="kv-row">
      <input
        id={`${props.idBase}-name`}
        aria-label={`${props.keyLabel} name`}
        value={props.name}
        spellcheck={false}
        onInput={(e) => props.onName(e.currentTarget.value)}
      />
      <input
        id={`${props.idBase}-value`}
        aria-label={`Value of ${props.name}`}
        value={props.value}
        spellcheck={false}
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
      <button type="button" class="button small ghost" aria-label={`Remove ${props.name}`} onClick={props.onRemove}>
        Remove
      </button>
      {problems.length > 0 && (
        <small class="field-error kv-error" role="alert">
          {problems.map((p) => p.message).join("; ")}
        </small>
      )}
    </div>
  );
}

/** A titled group of fields; `columns` lays short fields out side by side. */
export function Group({ title, children, columns, testid }: { title: string; children: ComponentChildren; columns?: boolean; testid?: string }) {
  return (
    <section class="form-group" data-testid={testid}>
      <h3>{title}</h3>
      <div class={columns ? "form-grid" : undefined}>{children}</div>
    </section>
  );
}
