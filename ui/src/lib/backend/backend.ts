// The one interface the UI talks to. `tauri.ts` implements it over IPC; `memory.ts`
// implements it in memory for component tests and for `vite dev` in a plain browser.
import type { AppInfo } from "../bindings/AppInfo";
import type { ApiError } from "../bindings/ApiError";
import type { DatabaseTarget } from "../bindings/DatabaseTarget";
import type { Debtor } from "../bindings/Debtor";
import type { DebtorInput } from "../bindings/DebtorInput";
import type { DebtorListQuery } from "../bindings/DebtorListQuery";
import type { DebtorPage } from "../bindings/DebtorPage";
import type { DemoRequest } from "../bindings/DemoRequest";
import type { DemoSummary } from "../bindings/DemoSummary";

export interface Backend {
  appInfo(): Promise<AppInfo>;
  startupNotice(): Promise<string | null>;
  debtorsList(query: DebtorListQuery): Promise<DebtorPage>;
  debtorGet(id: number): Promise<Debtor>;
  debtorCreate(input: DebtorInput): Promise<Debtor>;
  debtorUpdate(id: number, input: DebtorInput): Promise<Debtor>;
  debtorSetArchived(id: number, archived: boolean): Promise<Debtor>;
  demoLoad(request: DemoRequest): Promise<DemoSummary>;
  demoDecline(): Promise<void>;
  databaseConfigure(target: DatabaseTarget): Promise<AppInfo>;
  /** Native file dialog; `null` when the user cancelled. */
  databasePick(create: boolean): Promise<AppInfo | null>;
  /** Called when the database was switched from the File menu. */
  onDatabaseChanged(callback: (info: AppInfo) => void): Promise<() => void>;
  /** Called when a menu action failed. */
  onError(callback: (error: ApiError) => void): Promise<() => void>;
}

/** True for the `{code, message}` shape every backend call rejects with. */
export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Any rejection as an ApiError, so screens handle one shape. */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return value;
  return { code: "internal", message: value instanceof Error ? value.message : String(value) };
}
