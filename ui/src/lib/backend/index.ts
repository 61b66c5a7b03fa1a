import type { Backend } from "./backend";
import { tauriBackend } from "./tauri";
import { MemoryBackend } from "./memory";

/** The Tauri backend inside the app window; the in-memory one in a plain browser. */
export function pickBackend(): Backend {
  return "__TAURI_INTERNALS__" in window ? tauriBackend : new MemoryBackend({ demo: true });
}

export type { Backend } from "./backend";
export { isApiError, toApiError } from "./backend";
