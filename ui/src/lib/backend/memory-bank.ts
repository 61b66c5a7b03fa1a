// Bank statements for the in-memory backend (Vitest and the plain-browser preview): not
// available. Reading statement formats and matching payments are the Rust core's rules
// and are not re-implemented here; a component test stands a backend with fixed answers
// in for the core (see bank/BankScreen.test.ts).
import type { ApiError } from "../bindings/ApiError";

export function bankUnavailable(): never {
  const error: ApiError = {
    code: "invalid_input",
    message: "Bank statements are not available in tests without the real core: run the app.",
  };
  throw error;
}
