type Props = {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  hint?: string;
  placeholder?: string;
  error?: string;
  /** Works, but at a risk worth knowing (e.g. plain http://); never blocks anything. */
  warning?: string;
  autoFocus?: boolean;
};

/** A labelled text input whose error message sits right under it and is announced. */
export function Field({ id, label, value, onInput, hint, placeholder, error, warning, autoFocus }: Props) {
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : "", warning ? `${id}-warning` : ""].join(" ").trim();
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        type="text"
        value={value}
        placeholder={placeholder}
        autoFocus={autoFocus}
        spellcheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        onInput={(e) => onInput(e.currentTarget.value)}
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
      {warning && (
        <small id={`${id}-warning`} class="field-warning" role="status">
          {warning}
        </small>
      )}
    </div>
  );
}
