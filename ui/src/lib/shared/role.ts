// What the signed-in role may change, as Rust says (SignedInDto.may), shared with every
// screen through Svelte's context so a button the role cannot use is disabled up front
// with the reason on hover. A file book (no shared server) allows everything. The
// database refuses the rest anyway.
import { getContext, setContext } from "svelte";
import type { SignedInDto } from "../bindings/SignedInDto";

const KEY = Symbol("signed-in");

export type Role = { current: () => SignedInDto | null };

export function provideRole(current: () => SignedInDto | null): void {
  setContext<Role>(KEY, { current });
}

/** The same context for a component mounted on its own (a test): `render(C, { props, context })`. */
export function roleContext(current: SignedInDto | null): Map<symbol, Role> {
  return new Map([[KEY, { current: () => current }]]);
}

function role(): Role {
  return getContext<Role | undefined>(KEY) ?? { current: () => null };
}

export type Area = "ledger" | "collections" | "settings";

const areaWords: Record<Area, string> = {
  ledger: "the ledger (debtors, invoices, payments, imports)",
  collections: "collections (dunning, promises, plans, settlements, disputes)",
  settings: "settings",
};

/** A checker for the calling component: `may("ledger")` and `why("ledger")` (the hover text when not). */
export function useRole() {
  const r = role();
  return {
    may: (area: Area): boolean => r.current()?.may[area] ?? true,
    why: (area: Area): string => {
      const me = r.current();
      return me && !me.may[area] ? `Signed in as ${me.login} (${me.role}): this role does not change ${areaWords[area]}.` : "";
    },
  };
}
