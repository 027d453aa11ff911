import type { FormSection } from "../bindings/engine/FormSection";
import { SECTIONS, type EditorStart } from "./editor";

/** A link from an error to the editor section that holds its fix ("Open Auth"). */
export function FixLink({ section, onEdit }: { section: FormSection; onEdit: (start: EditorStart) => void }) {
  const label = SECTIONS.find((s) => s.id === section)?.label ?? section;
  return (
    <button type="button" class="button small" data-testid={`fix-in-${section}`} onClick={() => onEdit({ section })}>
      Open {label}
    </button>
  );
}
