/**
 * Text as a person reads it: a JSON object or list indented, anything else (a cut-off body, plain
 * text, a number) as it is. The data grid's cell viewer and the Test tab's bodies show values so.
 * Only whitespace changes: numbers, escapes and repeated keys stay exactly as written (parsing
 * and printing again would round `12345678901234567890` and drop a repeated key).
 */
export function readable(text: string): string {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return text;
  try {
    JSON.parse(t);
  } catch {
    return text;
  }
  let out = "";
  let depth = 0;
  let inString = false;
  const newline = () => `\n${"  ".repeat(depth)}`;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += t[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      // An empty object or list stays on one line.
      let j = i + 1;
      while (j < t.length && /\s/.test(t[j]!)) j++;
      if (t[j] === close) {
        out += c + close;
        i = j;
        continue;
      }
      depth++;
      out += c + newline();
    } else if (c === "}" || c === "]") {
      depth--;
      out += newline() + c;
    } else if (c === ",") {
      out += "," + newline();
    } else if (c === ":") {
      out += ": ";
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}
