// jsdom has no layout engine and no ResizeObserver (Svelte's bind:clientHeight uses one).
// Provide an observer that never fires: in jsdom every element has zero size anyway.
class NoLayoutResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= NoLayoutResizeObserver as unknown as typeof ResizeObserver;
