/** Records as a table: one column per top-level key, nested values shown as JSON. */
export function RecordsTable({ records, limit = 200 }: { records: unknown[]; limit?: number }) {
  if (records.length === 0) return <p class="muted">No records.</p>;
  const shown = records.slice(0, limit);
  const keys: string[] = [];
  for (const record of shown) {
    if (typeof record === "object" && record !== null) {
      for (const key of Object.keys(record)) if (!keys.includes(key)) keys.push(key);
    }
  }
  return (
    <div class="table-scroll">
      <table class="table compact" data-testid="records-table">
        <thead>
          <tr>
            {keys.map((k) => (
              <th key={k} scope="col">
                {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((record, i) => (
            <tr key={i}>
              {keys.map((k) => (
                <td key={k}>{show((record as Record<string, unknown>)[k])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {records.length > limit && (
        <p class="muted small">
          Showing the first {limit} of {records.length} records.
        </p>
      )}
    </div>
  );
}

export function show(value: unknown): string {
  if (value === undefined) return "";
  if (value === null) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
