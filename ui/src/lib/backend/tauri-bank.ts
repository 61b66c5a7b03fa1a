// BankBackend over Tauri IPC.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { BankImportProgress } from "../bindings/BankImportProgress";
import type { BankBackend } from "./bank";
import { toApiError } from "./backend";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const tauriBank: BankBackend = {
  bankImport: (fileName, content, options, job, onProgress) => {
    const progress = new Channel<BankImportProgress>();
    progress.onmessage = onProgress;
    return call("bank_import", { fileName, content, options, job, progress });
  },
  bankCsvPreview: (fileName, content, account, skipRows) => call("bank_csv_preview", { fileName, content, account, skipRows }),
  bankEntries: (status, statementId, limit) => call("bank_entries", { status, statementId, limit }),
  bankEntry: (id) => call("bank_entry", { id }),
  bankAccept: (id) => call("bank_accept", { id }),
  bankMatch: (id, input) => call("bank_match", { id, input }),
  bankUnmatch: (id) => call("bank_unmatch", { id }),
  bankIgnore: (id, rule) => call("bank_ignore", { id, rule }),
  bankUnignore: (id) => call("bank_unignore", { id }),
  bankAccounts: () => call("bank_accounts"),
  bankAccountRename: (id, name) => call("bank_account_rename", { id, name }),
  bankStatements: () => call("bank_statements"),
  bankSettings: () => call("bank_settings"),
  bankSettingsSet: (settings) => call("bank_settings_set", { settings }),
  bankIgnoreRules: () => call("bank_ignore_rules"),
  bankIgnoreRuleDelete: (id) => call("bank_ignore_rule_delete", { id }),
  debtorIbanAdd: (debtorId, iban) => call("debtor_iban_add", { debtorId, iban }),
  onMenuImportBank: (callback) => listen("menu-import-bank", () => callback()),
};
