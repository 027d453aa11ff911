import { useEffect, useRef } from "preact/hooks";

/**
 * Opens a `<dialog>` as a modal when it mounts, and when it goes away puts the keyboard focus
 * back on what had it before (the button that opened it), as the dialog pattern asks: removing
 * a dialog from the page, as the app does, does not do that by itself.
 */
export function useModal() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const shown = dialog.current;
    shown?.showModal();
    return () => {
      // Closed first: while a modal dialog is open the rest of the page cannot take focus.
      if (shown?.open) shown.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return dialog;
}
