// BankBackend over Tauri IPC.
import { Channel } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { BankImportProgress } from "../bindings/BankImportProgress";
import type { BankBackend } from "./bank";
import * as commands from "./commands";

export const tauriBank: BankBackend = {
  bankImport: (fileName, content, options, job, onProgress) => {
    const progress = new Channel<BankImportProgress>();
    progress.onmessage = onProgress;
    return commands.bankImport(fileName, content, options, job, progress);
  },
  bankCsvPreview: commands.bankCsvPreview,
  bankEntries: commands.bankEntries,
  bankEntry: commands.bankEntry,
  bankAccept: commands.bankAccept,
  bankMatch: commands.bankMatch,
  bankUnmatch: commands.bankUnmatch,
  bankIgnore: commands.bankIgnore,
  bankUnignore: commands.bankUnignore,
  bankAccounts: commands.bankAccounts,
  bankAccountRename: commands.bankAccountRename,
  bankStatements: commands.bankStatements,
  bankSettings: commands.bankSettings,
  bankSettingsSet: commands.bankSettingsSet,
  bankIgnoreRules: commands.bankIgnoreRules,
  bankIgnoreRuleDelete: commands.bankIgnoreRuleDelete,
  debtorIbanAdd: commands.debtorIbanAdd,
  onMenuImportBank: (callback) => listen("menu-import-bank", () => callback()),
};
