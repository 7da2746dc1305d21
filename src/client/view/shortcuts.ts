/**
 * The call's keyboard shortcuts (shown on the buttons' hover and in the `?` help). Keys typed
 * into a field are the field's: a chat message may contain an "m".
 */
export type Shortcuts = Record<string, () => void>;

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function bindShortcuts(root: Document, shortcuts: Shortcuts): void {
  root.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || typing(event.target)) return;
    // Enter on a focused button is that button's.
    if (event.key === 'Enter' && event.target instanceof HTMLButtonElement) return;
    const action = shortcuts[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
}
