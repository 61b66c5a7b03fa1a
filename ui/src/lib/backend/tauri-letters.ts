// LettersBackend over Tauri IPC.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { JobProgress } from "../bindings/JobProgress";
import type { LettersBackend } from "./letters";
import { toApiError } from "./backend";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

function channel(onProgress: (p: JobProgress) => void): Channel<JobProgress> {
  const c = new Channel<JobProgress>();
  c.onmessage = onProgress;
  return c;
}

export const tauriLetters: LettersBackend = {
  letterKinds: () => call("letter_kinds"),
  letterPreview: (request) => call("letter_preview", { request }),
  letterSave: (request) => call("letter_save", { request }),
  letterPrint: (request) => call("letter_print", { request }),
  lettersBatch: (asOf, job, onProgress) => call("letters_batch", { asOf, job, progress: channel(onProgress) }),
  caseFilesExport: (debtorIds, job, onProgress) =>
    call("case_files_export", { debtorIds, job, progress: channel(onProgress) }),
  jobCancel: (job) => call("job_cancel", { job }),
  documentsOf: (debtorId) => call("documents_of", { debtorId }),
  documentSave: (id) => call("document_save", { id }),
  attachmentsOf: (debtorId) => call("attachments_of", { debtorId }),
  attachmentAdd: (debtorId) => call("attachment_add", { debtorId }),
  letterheadGet: () => call("letterhead_get"),
  letterheadSet: (letterhead) => call("letterhead_set", { letterhead }),
  letterheadSample: (letterhead) => call("letterhead_sample", { letterhead }),
};
