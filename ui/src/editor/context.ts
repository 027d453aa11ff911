import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Problem, SecretStatus } from "../api";
import type { Json, Path } from "./json-path";

/** What every form field of the editor reads and writes: one config document and its problems. */
export type EditorState = {
  connectorId: number;
  config: Json;
  /** Replaces the value at `path`; `undefined` removes the key. Autosave picks the change up. */
  set: (path: Path, value: Json | undefined) => void;
  /** The validation messages for exactly this field (`within`: also the fields inside it). */
  problemsAt: (path: Path, within?: boolean) => Problem[];
  /** The warnings for exactly this field: it works, but at a risk the user should know. */
  warningsAt: (path: Path) => Problem[];
  /** Saves now instead of after the typing pause. */
  flush: () => Promise<void>;
  secrets: SecretStatus[];
  refreshSecrets: () => Promise<void>;
};

export const EditorContext = createContext<EditorState | null>(null);

export function useEditor(): EditorState {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error("editor fields must sit inside an EditorContext");
  return editor;
}

/** An id for a field's input that is unique and readable in tests: `f-resources-0-endpoint-path`. */
export function fieldId(path: Path): string {
  return `f-${path.join("-")}`.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** The input id of the field a problem's path names (`resources[0].endpoint.path`). */
export function fieldIdOf(problemPath: string): string {
  return fieldId(problemPath.replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean));
}
