/**
 * Text as a person reads it: a JSON object or list indented, anything else (a cut-off body, plain
 * text, a number) as it is. The data grid's cell viewer and the Test tab's bodies show values so.
 */
export function readable(text: string): string {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.stringify(JSON.parse(t), null, 2);
    } catch {
      return text;
    }
  }
  return text;
}
