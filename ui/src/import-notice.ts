import type { ImportOutcome } from "./api";

export type Notice = { text: string; tone: "error" | "info" };

/**
 * What an import tells the user: how many connectors it made (dlt code may define several
 * sources), what each still needs fixing or left out, and whether the keychain took the secrets.
 * `null` when one connector came in clean: opening it says enough.
 */
export function importNotice(outcome: ImportOutcome): Notice | null {
  const lines: string[] = [];
  const several = outcome.connectors.length > 1;
  if (several) {
    const names = outcome.connectors.map((c) => c.connector.name).join(", ");
    lines.push(`Imported ${outcome.connectors.length} connectors, one per dlt source: ${names}.`);
  }
  for (const { connector, problems } of outcome.connectors) {
    if (problems.length === 0) continue;
    const where = several ? ` in ${connector.name}` : "";
    lines.push(`${several ? "" : "Imported. "}Still to fix${where}:\n${problems.join("\n")}`);
  }
  if (outcome.keychainProblem) {
    lines.push(`Imported, but its secret values could not be stored in your keychain: ${outcome.keychainProblem}`);
  }
  if (lines.length === 0) return null;
  return { text: lines.join("\n\n"), tone: outcome.keychainProblem ? "error" : "info" };
}
