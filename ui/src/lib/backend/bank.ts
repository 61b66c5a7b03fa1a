// The Bank screen's part of the Backend interface (issue 13): statements in, entries
// matched and reviewed. Every rule (formats, matching, what a match may allocate) is the
// Rust API's; the window sends the file it read (base64) and shows what comes back.
import type { BankAccountDto } from "../bindings/BankAccountDto";
import type { BankCsvPreviewDto } from "../bindings/BankCsvPreviewDto";
import type { BankEntryDto } from "../bindings/BankEntryDto";
import type { BankEntryStatusDto } from "../bindings/BankEntryStatusDto";
import type { BankIgnoreRuleDto } from "../bindings/BankIgnoreRuleDto";
import type { BankImportOptions } from "../bindings/BankImportOptions";
import type { BankImportProgress } from "../bindings/BankImportProgress";
import type { BankImportSummary } from "../bindings/BankImportSummary";
import type { BankMatchInput } from "../bindings/BankMatchInput";
import type { BankSettingsDto } from "../bindings/BankSettingsDto";
import type { BankStatementDto } from "../bindings/BankStatementDto";

export interface BankBackend {
  /** Imports a statement file (base64), all or nothing, with progress; `jobCancel(job)` stops it. */
  bankImport(
    fileName: string,
    contentBase64: string,
    options: BankImportOptions,
    job: string,
    onProgress: (p: BankImportProgress) => void,
  ): Promise<BankImportSummary>;
  /** A CSV export's first rows and the mapping to start from (saved for the account, or suggested). */
  bankCsvPreview(fileName: string, contentBase64: string, account: string | null, skipRows: number): Promise<BankCsvPreviewDto>;
  /** Entries, newest first; `limit` 0 = all. */
  bankEntries(status: BankEntryStatusDto | null, statementId: number | null, limit: number): Promise<BankEntryDto[]>;
  bankEntry(id: number): Promise<BankEntryDto>;
  /** Accepts an entry's proposal as it stands. */
  bankAccept(id: number): Promise<BankEntryDto>;
  /** Matches by hand: invoices (split), or a debtor as unapplied credit; field errors name `invoices[i]`. */
  bankMatch(id: number, input: BankMatchInput): Promise<BankEntryDto>;
  /** Undoes a match (the payment is reversed, kept on record). */
  bankUnmatch(id: number): Promise<BankEntryDto>;
  /** Ignores an entry; with `rule`, every entry like it now and later. Returns the entries ignored. */
  bankIgnore(id: number, rule: boolean): Promise<BankEntryDto[]>;
  /** Puts an ignored entry back to review. */
  bankUnignore(id: number): Promise<BankEntryDto>;
  bankAccounts(): Promise<BankAccountDto[]>;
  bankAccountRename(id: number, name: string): Promise<void>;
  /** Imported statements, newest first. */
  bankStatements(): Promise<BankStatementDto[]>;
  bankSettings(): Promise<BankSettingsDto>;
  /** Saves the matching settings; bad fields come back in `fields`. */
  bankSettingsSet(settings: BankSettingsDto): Promise<BankSettingsDto>;
  bankIgnoreRules(): Promise<BankIgnoreRuleDto[]>;
  bankIgnoreRuleDelete(id: number): Promise<void>;
  /** Adds an IBAN the debtor pays from (checked); returns the debtor's IBANs. */
  debtorIbanAdd(debtorId: number, iban: string): Promise<string[]>;
  /** Called on File > Import bank statement…. */
  onMenuImportBank(callback: () => void): Promise<() => void>;
}
