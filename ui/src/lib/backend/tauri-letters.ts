// LettersBackend over Tauri IPC.
import { Channel } from "@tauri-apps/api/core";
import type { JobProgress } from "../bindings/JobProgress";
import type { LettersBackend } from "./letters";
import * as commands from "./commands";

function channel(onProgress: (p: JobProgress) => void): Channel<JobProgress> {
  const c = new Channel<JobProgress>();
  c.onmessage = onProgress;
  return c;
}

export const tauriLetters: LettersBackend = {
  letterKinds: commands.letterKinds,
  letterPreview: commands.letterPreview,
  letterSave: commands.letterSave,
  letterPrint: commands.letterPrint,
  lettersBatch: (asOf, job, onProgress) => commands.lettersBatch(asOf, job, channel(onProgress)),
  caseFilesExport: (debtorIds, job, onProgress) => commands.caseFilesExport(debtorIds, job, channel(onProgress)),
  jobCancel: commands.jobCancel,
  documentsOf: commands.documentsOf,
  documentSave: commands.documentSave,
  attachmentsOf: commands.attachmentsOf,
  attachmentAdd: commands.attachmentAdd,
  letterheadGet: commands.letterheadGet,
  letterheadSet: commands.letterheadSet,
  letterheadSample: commands.letterheadSample,
};
