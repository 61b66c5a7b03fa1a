// Keyboard helpers shared by the screens (display behaviour only).

/** True when the key went to a field being typed in: Esc there must not close the page
 *  around it and lose what was typed. */
export function inField(event: KeyboardEvent): boolean {
  const t = event.target;
  return t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
}
